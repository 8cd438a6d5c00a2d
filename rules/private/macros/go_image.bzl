"""The go_image macro: an image target with its .push, .load and .run targets."""

load("//rules/private:rules/image.bzl", "go_image_rule")
load("//rules/private:rules/load.bzl", "image_load", "image_run")
load("//rules/private:rules/push.bzl", "image_push")

def go_image(
        name,
        binary,
        repository = None,
        remote_tags = None,
        repo_tags = None,
        stamp = -1,
        visibility = None,
        tags = None,
        testonly = None,
        **kwargs):
    """An OCI image of a Go binary, with targets to push and load it.

    ```starlark
    load("@rules_goimage//rules:defs.bzl", "go_image")

    go_image(
        name = "image",
        binary = ":server",
        base = "@distroless_static//:image",
        platforms = ["linux/amd64", "linux/arm64"],
        repository = "registry.example.com/team/server",
        remote_tags = ["latest"],
    )
    ```

    Targets:

    | target | what it is |
    | --- | --- |
    | `NAME` | the image (`go_image_rule`): `NAME.tar`, an OCI layout and Docker archive in one; output groups `layout` and, with `sbom = True`, `sbom`, with `provenance = True`, `provenance` |
    | `NAME.push` | `bazel run` pushes it to `repository` (`image_push`) |
    | `NAME.load` | `bazel run` loads it into docker or podman (`image_load`) |
    | `NAME.run` | `bazel run` loads it and runs it, `-- [RUN OPTION]... [-- [ARG]...]` (`image_run`) |
    | `NAME.layout` | the image as a complete OCI layout directory, its one output: a base for rule sets that take one (rules_oci's `oci_image(base = ...)`) |

    Args:
      name: the image target's name.
      binary: the `go_binary` to put into the image.
      repository: the registry repository `NAME.push` pushes to.
      remote_tags: the tags `NAME.push` pushes.
      repo_tags: the names the image has in its tarball and in docker after `NAME.load`.
      stamp: whether to fill workspace status values into tags and labels: 1, 0, or -1 for "with --stamp".
      visibility: visibility of the three targets.
      tags: Bazel tags of the three targets.
      testonly: testonly of the three targets.
      **kwargs: further attributes of `go_image_rule`: base, platforms, pure,
        entrypoint, cmd, env, workdir, user, labels, annotations,
        exposed_ports, stop_signal, volumes, healthcheck, healthcheck_options,
        data, data_strip_prefix, data_path, owner, tars, keep_tar_mtimes,
        layers, compression, checks, binary_path, sbom, provenance, go_mod.
    """
    common = dict(visibility = visibility, tags = tags, testonly = testonly)
    go_image_rule(
        name = name,
        binary = binary,
        repo_tags = repo_tags,
        stamp = stamp,
        **dict(kwargs, **common)
    )
    image_push(
        name = name + ".push",
        image = ":" + name,
        repository = repository,
        remote_tags = remote_tags,
        stamp = stamp,
        **common
    )
    native.filegroup(
        name = name + ".layout",
        srcs = [":" + name],
        output_group = "layout",
        **common
    )
    image_load(
        name = name + ".load",
        image = ":" + name,
        repo_tags = repo_tags,
        stamp = stamp,
        **common
    )
    image_run(
        name = name + ".run",
        image = ":" + name,
        repo_tags = repo_tags,
        stamp = stamp,
        **common
    )
