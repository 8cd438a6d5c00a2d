"""Image platforms ("linux/amd64") and the Bazel platforms Go binaries are built for.

The list of supported platforms is the assembler's (tools/assembler/platform),
generated into platforms_table.bzl; the Gazelle extension uses the same list.
"""

load(":platforms_table.bzl", "RULES_GO_PLATFORMS")

def platform_error(image_platform):
    """Says what is wrong with an image platform, or returns "" when it is supported.

    Args:
      image_platform: "os/arch" or "os/arch/variant".

    Returns:
      The message, or "".
    """
    if image_platform in RULES_GO_PLATFORMS:
        return ""
    return "platform {} is not supported; supported: {}".format(
        repr(image_platform),
        ", ".join(sorted(RULES_GO_PLATFORMS.keys())),
    )

def check_platform(image_platform):
    """Fails unless an image platform such as "linux/arm64" is supported.

    Args:
      image_platform: "os/arch" or "os/arch/variant".
    """
    error = platform_error(image_platform)
    if error:
        fail(error)

def go_platform_label(image_platform, cgo = False):
    """Returns the rules_go platform label for an image platform such as "linux/arm64".

    Args:
      image_platform: a supported "os/arch" or "os/arch/variant".
      cgo: the platform with cgo on, "<os>_<arch>_cgo", which needs a C
        toolchain for it.

    Returns:
      The label string of the matching `@rules_go//go/toolchain` platform.
    """
    check_platform(image_platform)
    return str(Label("@rules_go//go/toolchain:" + RULES_GO_PLATFORMS[image_platform] + ("_cgo" if cgo else "")))

def platform_path(image_platform):
    """Returns a file name part for a platform: "linux/arm64/v8" gives "linux_arm64_v8"."""
    return image_platform.replace("/", "_")
