"""Public module extensions of rules_goimage.

```starlark
goimage = use_extension("@rules_goimage//rules:extensions.bzl", "goimage")
goimage.pull(
    name = "distroless_static",
    image = "gcr.io/distroless/static-debian12",
    digest = "sha256:...",
    platforms = ["linux/amd64", "linux/arm64"],
)
goimage.local(
    name = "company_base",
    path = "images/base.tar",
)
use_repo(goimage, "company_base", "distroless_static")
```
"""

load("//rules/private:extensions/goimage.bzl", _goimage = "goimage")

goimage = _goimage
