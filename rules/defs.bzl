"""Public API of rules_goimage: load rules from here.

```starlark
load("@rules_goimage//rules:defs.bzl", "go_image")
```
"""

load("//rules/private:go_image.bzl", _go_image = "go_image")
load("//rules/private:providers.bzl", _GoImageInfo = "GoImageInfo")
load("//rules/private:toolchain.bzl", _AssemblerInfo = "AssemblerInfo", _assembler_toolchain = "assembler_toolchain")

go_image = _go_image
GoImageInfo = _GoImageInfo
assembler_toolchain = _assembler_toolchain
AssemblerInfo = _AssemblerInfo
