"""The analysis-time check that a go_image's base has every platform the image asks for."""

load("//rules/private:platforms_table.bzl", "NORMALIZED_PLATFORMS")

def check_base_platforms(base, platforms):
    """Fails, naming the base as the module declared it, when it lacks one of platforms.

    Only bases that the goimage module extension imported are checked: it
    knows their platforms when the base is fetched, so the user learns it
    before any binary is compiled. Other images are checked by the
    assembler, which reads them.

    Args:
      base: the base's GoImageInfo.
      platforms: the image platforms the go_image asks for, each supported.
    """
    declared_as = getattr(base, "declared_as", "")
    if not declared_as or not base.platforms:
        return
    have = {}
    for p in base.platforms:
        if not p or "?" in p:
            # An image whose config names no platform: the assembler decides.
            return
        have[NORMALIZED_PLATFORMS.get(p, p)] = True
    missing = [p for p in platforms if NORMALIZED_PLATFORMS[p] not in have]
    if not missing:
        return
    fail("""the base {base} has no image for {missing}; it has: {have}.
Drop {missing} from this go_image's platforms, or give the base that platform: a goimage.pull lists it
in its platforms (the registry's index must have it); a docker save of Docker 25+ with the containerd
image store holds only the platforms that were pulled: docker pull --platform {first} IMAGE, then
docker save --platform {first} (or without --platform, for every pulled platform) and import it again.""".format(
        base = declared_as,
        missing = ", ".join(missing),
        have = ", ".join(base.platforms),
        first = missing[0],
    ))
