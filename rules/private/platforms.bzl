"""Image platforms ("linux/amd64") and the Bazel platforms Go binaries are built for."""

# The operating systems and architectures a Go binary in an image can target.
_GO_OS = ["linux"]
_GO_ARCH = ["amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64"]

# Variants that name what the Go toolchain builds anyway; others would need a
# GOARM or GOAMD64 setting that rules_go's platforms do not carry.
_VARIANTS = {
    "arm64": ["v8"],
    "arm": ["v7"],
}

def platform_error(image_platform):
    """Says what is wrong with an image platform, or returns "" when it is supported.

    Args:
      image_platform: "os/arch" or "os/arch/variant".

    Returns:
      The message, or "".
    """
    parts = image_platform.split("/")
    if len(parts) < 2 or len(parts) > 3 or parts[0] not in _GO_OS or parts[1] not in _GO_ARCH:
        return "platform {} is not supported; use os/arch with os in {} and arch in {}".format(
            repr(image_platform),
            _GO_OS,
            _GO_ARCH,
        )
    if len(parts) == 3 and parts[2] not in _VARIANTS.get(parts[1], []):
        return "platform {} has a variant rules_goimage cannot build for; supported variants: {}".format(
            repr(image_platform),
            ", ".join(["{}/{}".format(a, v) for a, vs in _VARIANTS.items() for v in vs]),
        )
    return ""

def parse_platform(image_platform):
    """Splits and checks an image platform such as "linux/arm64".

    Args:
      image_platform: "os/arch" or "os/arch/variant".

    Returns:
      A struct with os, arch and variant ("" when absent).
    """
    error = platform_error(image_platform)
    if error:
        fail(error)
    parts = image_platform.split("/")
    return struct(os = parts[0], arch = parts[1], variant = parts[2] if len(parts) == 3 else "")

def go_platform_label(image_platform):
    """Returns the rules_go platform label for an image platform such as "linux/arm64".

    Args:
      image_platform: "os/arch" or "os/arch/variant".

    Returns:
      The label string of the matching `@rules_go//go/toolchain` platform.
    """
    p = parse_platform(image_platform)
    return str(Label("@rules_go//go/toolchain:{}_{}".format(p.os, p.arch)))

def platform_path(image_platform):
    """Returns a file name part for a platform: "linux/arm64/v8" gives "linux_arm64_v8"."""
    return image_platform.replace("/", "_")
