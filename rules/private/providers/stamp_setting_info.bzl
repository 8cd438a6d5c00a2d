"""StampSettingInfo: whether the build runs with --stamp."""

StampSettingInfo = provider(
    doc = "Whether `--stamp` is set, read through a config_setting so that rules can see it.",
    fields = {
        "value": "bool: True when the build runs with --stamp.",
    },
)
