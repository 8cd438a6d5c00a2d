"""Image platforms ("linux/amd64") and the Bazel platforms Go binaries are built for."""

# The operating systems and architectures a Go binary in an image can target.
_GO_OS = ["linux"]
_GO_ARCH = ["amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64"]

def go_platform_label(image_platform):
    """Returns the rules_go platform label for an image platform such as "linux/arm64".

    Args:
      image_platform: "os/arch" or "os/arch/variant".

    Returns:
      The label string of the matching `@rules_go//go/toolchain` platform.
    """
    parts = image_platform.split("/")
    if len(parts) < 2 or len(parts) > 3 or parts[0] not in _GO_OS or parts[1] not in _GO_ARCH:
        fail("platform {} is not supported; use os/arch with os in {} and arch in {}".format(
            repr(image_platform),
            _GO_OS,
            _GO_ARCH,
        ))
    return str(Label("@rules_go//go/toolchain:{}_{}".format(parts[0], parts[1])))
