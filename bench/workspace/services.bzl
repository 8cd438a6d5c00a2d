"""Thirty services on one base: the monorepo case of the benchmark."""

load("@rules_go//go:def.bzl", "go_binary")
load("@rules_goimage//rules:defs.bzl", "go_image")

def services(count):
    """Declares svc0..svc<count-1> and an image of each on the 200 MB base.

    Args:
      count: how many services.
    """
    for i in range(count):
        name = "svc{}".format(i)
        go_binary(
            name = name,
            srcs = ["svc/main.go"],
            x_defs = {"main.name": name},
            deps = [":lib"],
        )
        go_image(
            name = name + "_image",
            base = "@base_200mb//:image",
            binary = ":" + name,
        )
