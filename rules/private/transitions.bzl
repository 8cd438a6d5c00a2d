"""Builds a go_image's binary for the image's platform, not the host's."""

load(":platforms.bzl", "go_platform_label")

_PURE = str(Label("@rules_go//go/config:pure"))

def _image_platform_transition_impl(settings, attr):
    _ignore = settings  # @unused
    return {
        "//command_line_option:platforms": go_platform_label(attr.platform),
        # Images start from scratch or distroless bases: a static binary runs on both.
        _PURE: True,
    }

image_platform_transition = transition(
    implementation = _image_platform_transition_impl,
    inputs = [],
    outputs = ["//command_line_option:platforms", _PURE],
)
