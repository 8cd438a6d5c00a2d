"""Analysis tests of the .push and .load targets of go_image: the scripts they run and their runfiles."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load(":analysis_lib.bzl", "declare_tests", "no_signing_inputs", _actions = "actions", _contains = "contains")

def _runner_script(env):
    target = analysistest.target_under_test(env)
    script = target[DefaultInfo].files_to_run.executable
    writes = [a for a in _actions(env, "FileWrite") if script in a.outputs.to_list()]
    asserts.equals(env, 1, len(writes), "no action writes the script")
    return target, writes[0].content

def _push_test_impl(ctx):
    env = analysistest.begin(ctx)
    target, script = _runner_script(env)
    for part in ["push", "--image", "_multi/index.image.json", "--repository-file", "multi.push.repository", "--mount-from' 'registry.example.com/base/static", "--tags-file", '"$@"']:
        _contains(env, script, part, "the push script")
    runfiles = [f.basename for f in target[DefaultInfo].default_runfiles.files.to_list()]
    for name in ["index", "binary.tar.gz", "binary.json", "multi.push.tags", "multi.push.repository", "assembler"]:
        asserts.true(env, name in runfiles, "{} is not in the push target's runfiles: {}".format(name, runfiles))
    tags = [a.content for a in _actions(env, "FileWrite") if a.outputs.to_list()[0].basename == "multi.push.tags"]
    asserts.equals(env, ["v1\n"], tags)
    repository = [a.content for a in _actions(env, "FileWrite") if a.outputs.to_list()[0].basename == "multi.push.repository"]
    asserts.equals(env, ["registry.example.com/team/app\n"], repository)
    no_signing_inputs(env)
    return analysistest.end(env)

_push_test = analysistest.make(_push_test_impl)

def _load_test_impl(ctx):
    env = analysistest.begin(ctx)
    _, script = _runner_script(env)
    for part in ["load", "--image", "_single/image.json", "--tags-file"]:
        _contains(env, script, part, "the load script")
    tags = [a.content for a in _actions(env, "FileWrite") if a.outputs.to_list()[0].basename == "single.load.tags"]
    asserts.equals(env, ["bazel/rules/tests:single\n"], tags)
    return analysistest.end(env)

_load_test = analysistest.make(_load_test_impl)

def runner_test_suite(name):
    """Declares the analysis tests of the .push and .load targets, and a test_suite of them.

    Args:
      name: the test_suite's name.
    """
    declare_tests(name, {
        "push_test": (_push_test, ":multi.push"),
        "load_test": (_load_test, ":single.load"),
    })
