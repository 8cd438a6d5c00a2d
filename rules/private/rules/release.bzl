"""goimage_release: a runnable target that pushes a set of images in one run."""

load("//rules/private:actions/manifest.bzl", "display_label", "repository_entry", "split_repositories", "write_manifest")
load("//rules/private:actions/runner.bzl", "runfiles_path", "write_runner")
load("//rules/private:actions/stamp.bzl", "STAMP_ATTRS", "should_stamp", "values_file")
load("//rules/private:providers/go_image_info.bzl", "GoImageInfo")
load("//rules/private:rules/toolchain.bzl", "ASSEMBLER_TOOLCHAIN_TYPE", "assembler_runfiles", "find_assembler")

def _release_impl(ctx):
    assembler = find_assembler(ctx)
    stamp = should_stamp(ctx)
    tags = {"tags": ctx.attr.remote_tags}
    files = []
    if stamp and [t for t in ctx.attr.remote_tags if "{" in t]:
        tags_file = values_file(ctx, assembler = assembler, name = ctx.label.name + ".tags", values = ctx.attr.remote_tags, stamp = stamp)
        tags = {"tags_file": tags_file}
        files.append(tags_file)
    entries = []
    transitive = []
    for target, value in ctx.attr.images.items():
        info = target[GoImageInfo]
        transitive.append(info.files)
        for repository in split_repositories(value, target.label, "images"):
            repo = repository_entry(ctx, assembler = assembler, repository = repository, index = len(entries), stamp = stamp)
            files += repo.files
            entry = dict(label = display_label(target.label), **repo.fields)
            entry.update(tags)
            entry["image"] = info.image
            if info.base_repository:
                entry["mount_from"] = info.base_repository
            entries.append(entry)
    manifest = ctx.actions.declare_file(ctx.label.name + ".release.json")
    write_manifest(ctx, manifest, entries, lambda f: runfiles_path(ctx, f))
    script = write_runner(
        ctx,
        assembler = assembler,
        verb = "release",
        args = ["--manifest", manifest, "--jobs", str(ctx.attr.jobs)],
        description = "Pushes the {} images of {}.".format(len(entries), ctx.label),
    )
    return [DefaultInfo(
        executable = script,
        files = depset([script, manifest]),
        runfiles = ctx.runfiles(files = files + [manifest], transitive_files = depset(transitive = transitive)).merge(assembler_runfiles(ctx)),
    )]

goimage_release = rule(
    implementation = _release_impl,
    doc = """Pushes a set of images in one run: `bazel run //:release`.

```starlark
load("@rules_goimage//rules:defs.bzl", "goimage_release")

goimage_release(
    name = "release",
    images = {
        "//cmd/api:image": "registry.example.com/shop/api",
        "//cmd/worker:image": "registry.example.com/shop/worker registry.example.com/mirror/worker",
    },
    remote_tags = ["{STABLE_VERSION}"],
)
```

One assembler process pushes every image, a few at a time (`jobs`). Blobs
that several repositories of one registry need (a shared base, an image
pushed to two repositories) are uploaded once and mounted into the other
repositories. It prints a line per image as it finishes, totals on long
pushes, and a summary. When an image fails the others are still pushed; the
summary names the failed image and why, and the exit code is 1.

Arguments after `--` are passed to `assembler release`: `--refs-file FILE`
writes a JSON record of every image (label, repository, pushed, reference by
digest or error), `--refs-text FILE` a line `LABEL REGISTRY/REPO@sha256:...`
per pushed image (relative paths are from the folder `bazel run` was called
in), `--tag` (repeated) replaces `remote_tags`, `--jobs N`, and
`--sign-key cosign.key` or `--signer-command CMD` sign every image as `.push`
does. Credentials come from docker's config.json (`$DOCKER_CONFIG`) and its
credential helpers.

Gazelle can keep the `images` of a release up to date: see the
`goimage_release` directive in docs/gazelle.md.""",
    attrs = dict({
        "images": attr.label_keyed_string_dict(
            doc = "The images, each `go_image` with the repository to push it to, such as `{\"//app:image\": \"registry.example.com/team/app\"}`. Several repositories, separated by spaces or commas, push the image to each. Repositories may use workspace status placeholders, see `stamp`.",
            mandatory = True,
            allow_empty = False,
            providers = [GoImageInfo],
        ),
        "jobs": attr.int(
            doc = "How many images to push at a time.",
            default = 4,
        ),
        "remote_tags": attr.string_list(
            doc = "Tags to push every image with, such as `[\"v1.2.3\"]`; none pushes by digest only. May use workspace status placeholders, see `stamp`.",
        ),
    }, **STAMP_ATTRS),
    executable = True,
    toolchains = [ASSEMBLER_TOOLCHAIN_TYPE],
)
