"""An analysis test of the layer actions of a two-platform go_image."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")

def _layer_actions_test_impl(ctx):
    env = analysistest.begin(ctx)
    layers = {}
    for a in analysistest.target_actions(env):
        if a.mnemonic == "GoImageLayer":
            blob = [f for f in a.outputs.to_list() if f.basename.endswith(".tar.gz")][0]
            layers[blob.short_path] = a

    # A layer whose files are the same for both platforms (a checked-in tar,
    # a data file) is one action; a generated tar, built for each platform,
    # is one per platform.
    asserts.equals(env, sorted([
        "rules/tests/platform_files/_image/data.tar.gz",
        "rules/tests/platform_files/_image/linux_amd64/tars/1.tar.gz",
        "rules/tests/platform_files/_image/linux_arm64/tars/1.tar.gz",
        "rules/tests/platform_files/_image/tars/0.tar.gz",
    ]), sorted(layers.keys()))

    # Each platform's image stacks its own layers: the tools layer of its own
    # configuration, and its own generated tar.
    manifests = [" ".join(a.argv) for a in analysistest.target_actions(env) if a.mnemonic == "GoImageManifest"]
    asserts.equals(env, 2, len(manifests), "one manifest action for each platform")
    tools = {}
    for argv in manifests:
        platform = argv.split("--platform ")[1].split(" ")[0]
        asserts.true(env, "_image/{}/tars/1.json".format(platform.replace("/", "_")) in argv, "{} does not stack its own generated tar: {}".format(platform, argv))
        tools[platform] = [w for w in argv.split(" ") if w.endswith("/tools.json")]
    asserts.equals(env, 1, len(tools["linux/amd64"]))
    asserts.equals(env, 1, len(tools["linux/arm64"]))
    asserts.true(env, tools["linux/amd64"][0] != tools["linux/arm64"][0], "both platforms stack the same tools layer: {}".format(tools))
    return analysistest.end(env)

layer_actions_test = analysistest.make(_layer_actions_test_impl)
