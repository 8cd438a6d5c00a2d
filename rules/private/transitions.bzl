"""Builds what a go_image puts in (its binary, tars, data and layers) for each of the image's platforms, not for the host."""

load(":platforms.bzl", "go_platform_label", "platform_error")

_PURE = str(Label("@rules_go//go/config:pure"))

def _image_platforms_transition_impl(settings, attr):
    _ignore = settings  # @unused
    platforms = attr.platforms or ["linux/amd64"]

    # pure = "off" builds with cgo, for rules_go's "<os>_<arch>_cgo" platform,
    # with the C toolchain Bazel resolves for it.
    cgo = getattr(attr, "pure", "auto") == "off"
    return {
        p: {
            # An unsupported platform fails in the rule, where the error names
            # the target; here it must not fail, so it builds for linux/amd64.
            "//command_line_option:platforms": go_platform_label("linux/amd64" if platform_error(p) else p, cgo = cgo),
            # Images start from scratch or distroless bases: a static binary runs on both.
            _PURE: not cgo,
        }
        for p in platforms
    }

image_platforms_transition = transition(
    implementation = _image_platforms_transition_impl,
    inputs = [],
    outputs = ["//command_line_option:platforms", _PURE],
)
