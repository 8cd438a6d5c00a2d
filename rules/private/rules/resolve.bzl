"""goimage_resolve: YAML files with every image reference pinned by digest, at build time."""

load("//rules/private:actions/manifest.bzl", "display_label", "repository_entry", "split_repositories", "split_words", "write_manifest")
load("//rules/private:actions/stamp.bzl", "STAMP_ATTRS", "should_stamp")
load("//rules/private:providers/go_image_info.bzl", "GoImageInfo")
load("//rules/private:rules/toolchain.bzl", "ASSEMBLER_TOOLCHAIN_TYPE", "find_assembler")

def _names(ctx):
    names = {}
    for target, value in ctx.attr.names.items():
        if target not in ctx.attr.images:
            fail("names gives names to {}, which is not in images; add it there with its repository".format(display_label(target.label)))
        names[target.label] = split_words(value)
    return names

def _outputs(ctx):
    outputs, seen = [], {}
    for src in ctx.files.srcs:
        if src.basename in seen:
            fail("srcs has two files named {}: {} and {}; each output is named after its source, so resolve them in two goimage_resolve targets".format(src.basename, seen[src.basename].short_path, src.short_path))
        seen[src.basename] = src
        outputs.append(ctx.actions.declare_file("{}/{}".format(ctx.label.name, src.basename)))
    return outputs

def _resolve_impl(ctx):
    assembler = find_assembler(ctx)
    stamp = should_stamp(ctx)
    names = _names(ctx)
    entries, inputs = [], []
    for target, value in ctx.attr.images.items():
        info = target[GoImageInfo]
        if not info.digest:
            fail("{} has no digest file; images must be go_image targets".format(target.label))
        repositories = split_repositories(value, target.label, "images")
        if len(repositories) > 1:
            fail("images gives {} several repositories ({}); a reference pins one, so give it one here".format(display_label(target.label), value))
        repo = repository_entry(ctx, assembler = assembler, repository = repositories[0], index = len(entries), stamp = stamp)
        inputs += repo.files + [info.digest]
        entry = dict(label = display_label(target.label), digest_file = info.digest, **repo.fields)
        if names.get(target.label):
            entry["names"] = names[target.label]
        entries.append(entry)
    manifest = ctx.actions.declare_file(ctx.label.name + ".images.json")
    write_manifest(ctx, manifest, entries, lambda f: f.path)
    outputs = _outputs(ctx)
    args = ctx.actions.args()
    args.add("resolve")
    args.add("--images", manifest)
    for src, out in zip(ctx.files.srcs, outputs):
        args.add("--input", src)
        args.add("--output", out)
    ctx.actions.run(
        executable = assembler,
        arguments = [args],
        inputs = ctx.files.srcs + inputs + [manifest],
        outputs = outputs,
        mnemonic = "GoImageResolve",
        progress_message = "Pinning the images of %{label} by digest",
    )
    return [DefaultInfo(files = depset(outputs))]

goimage_resolve = rule(
    implementation = _resolve_impl,
    doc = """YAML files with every image reference replaced by `repository@sha256:digest`.

```starlark
load("@rules_goimage//rules:defs.bzl", "goimage_resolve")

goimage_resolve(
    name = "k8s",
    srcs = ["deployment.yaml"],
    images = {"//cmd/api:image": "registry.example.com/shop/api"},
    names = {"//cmd/api:image": "ko://example.com/shop/cmd/api"},
)
```

`bazel build //deploy:k8s` writes `bazel-bin/deploy/k8s/deployment.yaml`.
It runs at build time: the digests are those the `go_image` targets compute,
so nothing needs to be pushed first (push them with the same repositories,
by `goimage_release` or `.push`, before deploying).

A reference is a YAML value written as a label of one of `images`
(`//cmd/api:image`, `@//cmd/api:image`; `//cmd/api` means `//cmd/api:api`),
or as one of its `names`: ko's `ko://import/path` anywhere, a plain word
(such as `api`) only as the value of an `image` key. Only those
values change; comments, quoting and every document of the file stay as
written. A `ko://` value, or a label as the value of an `image` key, that
names no image of the target is an error naming the file and line.""",
    attrs = dict({
        "srcs": attr.label_list(
            doc = "The YAML files to resolve; each output has its source's name, in a folder named after the target.",
            allow_files = [".yaml", ".yml"],
            mandatory = True,
        ),
        "images": attr.label_keyed_string_dict(
            doc = "The images the files may refer to, each `go_image` with the repository it is pushed to, such as `{\"//app:image\": \"registry.example.com/team/app\"}`. May use workspace status placeholders, see `stamp`.",
            mandatory = True,
            providers = [GoImageInfo],
        ),
        "names": attr.label_keyed_string_dict(
            doc = "Further names the files use for images of `images`, separated by spaces: ko's `ko://import/path` of the image's binary, or a plain word such as `api`, which is replaced only as the value of an `image` key.",
            providers = [GoImageInfo],
        ),
    }, **STAMP_ATTRS),
    toolchains = [ASSEMBLER_TOOLCHAIN_TYPE],
)
