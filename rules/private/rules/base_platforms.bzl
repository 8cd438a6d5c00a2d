"""The analysis-time check that a go_image's base has every platform the image asks for."""

load("//rules/private:actions/image_file.bzl", "display_label")
load("//rules/private:platforms_table.bzl", "NORMALIZED_PLATFORMS")

def check_base_platforms(base, platforms, label):
    """Fails, naming the base, when it lacks one of platforms.

    Bases whose platforms are known at analysis are checked: those the
    goimage module extension imported (it learns their platforms when it
    fetches them) and other go_images, so the user learns it before any
    binary is compiled. A base another rule set built is checked by the
    assembler when it reads it, and named there by its label.

    Args:
      base: the base's GoImageInfo.
      platforms: the image platforms the go_image asks for, each supported.
      label: the base target's Label, which names a base the module
        extension did not declare.
    """
    if not base.platforms:
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
    declared_as = getattr(base, "declared_as", "")
    if not declared_as:
        fail("the base {base} has no image for {missing}; it has: {have}. Drop {missing} from this go_image's platforms, or add it to the platforms of {base}.".format(
            base = display_label(label),
            missing = ", ".join(missing),
            have = ", ".join(base.platforms),
        ))
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
