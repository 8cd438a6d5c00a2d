"""stamp_setting: makes --stamp visible to rules."""

load("//rules/private:providers/stamp_setting_info.bzl", "StampSettingInfo")

def _stamp_setting_impl(ctx):
    return [StampSettingInfo(value = ctx.attr.value)]

stamp_setting = rule(
    implementation = _stamp_setting_impl,
    doc = "Carries whether --stamp is set; its value comes from a select on a config_setting.",
    attrs = {
        "value": attr.bool(doc = "True when the build runs with --stamp."),
    },
)
