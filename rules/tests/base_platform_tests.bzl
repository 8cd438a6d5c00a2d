"""Analysis tests of the check that a go_image's base has its platforms, before any binary is built."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load("//rules/private:providers/go_image_info.bzl", "GoImageInfo")

def _missing_platform_test_impl(ctx):
    env = analysistest.begin(ctx)
    asserts.expect_failure(env, "the base goimage.local(name = \"company_base\") has no image for linux/arm64; it has: linux/amd64")
    return analysistest.end(env)

_missing_platform_test = analysistest.make(_missing_platform_test_impl, expect_failure = True)

def _missing_platform_of_image_test_impl(ctx):
    env = analysistest.begin(ctx)
    asserts.expect_failure(env, "the base //rules/tests:amd64_image has no image for linux/arm64; it has: linux/amd64. Drop linux/arm64 from this go_image's platforms, or add it to the platforms of //rules/tests:amd64_image.")
    return analysistest.end(env)

# A go_image as the base: its platforms are known at analysis too.
_missing_platform_of_image_test = analysistest.make(_missing_platform_of_image_test_impl, expect_failure = True)

def _spelled_otherwise_test_impl(ctx):
    env = analysistest.begin(ctx)
    asserts.equals(env, ["linux/arm64"], analysistest.target_under_test(env)[GoImageInfo].platforms)
    return analysistest.end(env)

# linux/arm64 is satisfied by a base image for linux/arm64/v8.
_spelled_otherwise_test = analysistest.make(_spelled_otherwise_test_impl)

def base_platform_test_suite(name):
    """Declares the tests and a test_suite of them.

    Args:
      name: the test_suite's name.
    """
    _missing_platform_test(name = "missing_base_platform_test", target_under_test = ":on_amd64_only_base")
    _missing_platform_of_image_test(name = "missing_image_base_platform_test", target_under_test = ":on_amd64_image")
    _spelled_otherwise_test(name = "variant_base_platform_test", target_under_test = ":on_arm64_v8_base")
    native.test_suite(name = name, tests = [":missing_base_platform_test", ":missing_image_base_platform_test", ":variant_base_platform_test"])
