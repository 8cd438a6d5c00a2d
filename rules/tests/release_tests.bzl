"""Analysis tests of goimage_release and goimage_resolve: the manifest they write and the actions they register."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load(":analysis_lib.bzl", "declare_tests", "no_signing_inputs", _failure_test = "failure_test")

def _writes(env, basename):
    return [a for a in analysistest.target_actions(env) if a.mnemonic == "FileWrite" and a.outputs.to_list()[0].basename == basename]

def _manifest(env, basename):
    writes = _writes(env, basename)
    asserts.equals(env, 1, len(writes), "no action writes " + basename)
    return json.decode(writes[0].content)["images"]

# --- goimage_release ----------------------------------------------------------------

def _release_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    script = target[DefaultInfo].files_to_run.executable
    content = [a.content for a in analysistest.target_actions(env) if a.mnemonic == "FileWrite" and script in a.outputs.to_list()][0]
    for part in ["release", "--manifest", "release.release.json", "--jobs' '2", '"$@"']:
        asserts.true(env, part in content, "the release script lacks {}: {}".format(part, content))

    # The image listed with two repositories is two entries; the stamped
    # repository is a file the stamp action fills.
    images = _manifest(env, "release.release.json")
    asserts.equals(env, ["//rules/tests:multi", "//rules/tests:multi", "//rules/tests:single"], [i["label"] for i in images])
    asserts.equals(env, "registry.example.com/team/app", images[0]["repository"])
    asserts.equals(env, "registry.example.com/mirror/app", images[1]["repository"])
    asserts.true(env, images[2]["repository_file"].endswith("_main/rules/tests/release.repositories/2"), images[2]["repository_file"])
    asserts.equals(env, ["v1"], images[0]["tags"])
    asserts.equals(env, "registry.example.com/base/static", images[0]["mount_from"])
    asserts.false(env, "mount_from" in images[2], "an image on scratch has a base to mount from")

    # Paths are relative to the manifest's folder in the runfiles tree.
    asserts.equals(env, "../../../_main/rules/tests/_multi/index.image.json", images[0]["image"])
    asserts.equals(env, "../../../_main/rules/tests/_single/image.json", images[2]["image"])
    asserts.equals(env, 1, len([a for a in analysistest.target_actions(env) if a.mnemonic == "GoImageStamp"]))

    runfiles = [f.basename for f in target[DefaultInfo].default_runfiles.files.to_list()]
    for name in ["release.release.json", "2", "index.image.json", "index", "binary.tar.gz", "binary.json", "assembler"]:
        asserts.true(env, name in runfiles, "{} is not in the release's runfiles: {}".format(name, runfiles))
    no_signing_inputs(env)
    return analysistest.end(env)

_release_test = analysistest.make(_release_test_impl)

# --- goimage_resolve ----------------------------------------------------------------

def _resolve_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    outputs = [f.short_path for f in target[DefaultInfo].files.to_list()]
    asserts.equals(env, ["rules/tests/k8s/deploy.yaml"], outputs)
    actions = [a for a in analysistest.target_actions(env) if a.mnemonic == "GoImageResolve"]
    asserts.equals(env, 1, len(actions))
    argv = " ".join(actions[0].argv)
    for part in ["resolve", "--images", "k8s.images.json", "--input rules/tests/testdata/deploy.yaml", "--output", "k8s/deploy.yaml"]:
        asserts.true(env, part in argv, "the resolve command line lacks {}: {}".format(part, argv))

    # The digest comes from the go_image's digest file: the action waits for
    # the image's manifest, never for a push.
    inputs = [f.basename for f in actions[0].inputs.to_list()]
    for name in ["single.digest", "deploy.yaml", "k8s.images.json"]:
        asserts.true(env, name in inputs, "the resolve action does not read {}: {}".format(name, inputs))
    images = _manifest(env, "k8s.images.json")
    asserts.equals(env, 1, len(images))
    asserts.equals(env, "//rules/tests:single", images[0]["label"])
    asserts.equals(env, ["ko://example.com/app", "app"], images[0]["names"])
    asserts.true(env, images[0]["digest_file"].startswith("../" * 4), images[0]["digest_file"])
    asserts.true(env, images[0]["digest_file"].endswith("rules/tests/single.digest"), images[0]["digest_file"])
    return analysistest.end(env)

_resolve_test = analysistest.make(_resolve_test_impl)

# --- errors ----------------------------------------------------------------------

_no_repository_test = analysistest.make(_failure_test("images gives //rules/tests:single no repository"), expect_failure = True)
_unknown_name_test = analysistest.make(_failure_test("names gives names to //rules/tests:multi, which is not in images"), expect_failure = True)

def release_test_suite(name):
    """Declares the analysis tests of goimage_release and goimage_resolve, and a test_suite of them.

    Args:
      name: the test_suite's name.
    """
    declare_tests(name, {
        "release_test": (_release_test, ":release"),
        "resolve_test": (_resolve_test, ":k8s"),
        "release_no_repository_test": (_no_repository_test, ":release_no_repository"),
        "resolve_unknown_name_test": (_unknown_name_test, ":k8s_unknown_name"),
    })
