"""The image platforms rules_goimage builds for. Generated from tools/assembler/platform; do not edit.

Regenerate with: go run ./tools/assembler/platform/gen
"""

# Image platform ("os/arch[/variant]") to the rules_go platform that builds its binary.
RULES_GO_PLATFORMS = {
    "linux/386": "linux_386",
    "linux/amd64": "linux_amd64",
    "linux/arm": "linux_arm",
    "linux/arm/v7": "linux_arm",
    "linux/arm64": "linux_arm64",
    "linux/arm64/v8": "linux_arm64",
    "linux/mips64le": "linux_mips64le",
    "linux/ppc64le": "linux_ppc64le",
    "linux/riscv64": "linux_riscv64",
    "linux/s390x": "linux_s390x",
}
