"""Public API of rules_goimage: load rules from here.

```starlark
load("@rules_goimage//rules:defs.bzl", "go_image")
```
"""

load("//rules/private:macros/go_image.bzl", _go_image = "go_image")
load("//rules/private:providers/assembler_info.bzl", _AssemblerInfo = "AssemblerInfo")
load("//rules/private:providers/go_image_info.bzl", _GoImageInfo = "GoImageInfo")
load("//rules/private:providers/go_image_layer_info.bzl", _GoImageLayerInfo = "GoImageLayerInfo")
load("//rules/private:rules/image.bzl", _go_image_rule = "go_image_rule")
load("//rules/private:rules/layer.bzl", _goimage_layer = "goimage_layer")
load("//rules/private:rules/load.bzl", _image_load = "image_load", _image_run = "image_run")
load("//rules/private:rules/push.bzl", _image_push = "image_push")
load("//rules/private:rules/release.bzl", _goimage_release = "goimage_release")
load("//rules/private:rules/resolve.bzl", _goimage_resolve = "goimage_resolve")
load("//rules/private:rules/toolchain.bzl", _assembler_toolchain = "assembler_toolchain")

go_image = _go_image
go_image_rule = _go_image_rule
goimage_layer = _goimage_layer
goimage_release = _goimage_release
goimage_resolve = _goimage_resolve
image_push = _image_push
image_load = _image_load
image_run = _image_run
assembler_toolchain = _assembler_toolchain

GoImageInfo = _GoImageInfo
GoImageLayerInfo = _GoImageLayerInfo
AssemblerInfo = _AssemblerInfo
