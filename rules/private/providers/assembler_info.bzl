"""AssemblerInfo: the tool that writes images, as a toolchain provides it."""

AssemblerInfo = provider(
    doc = "The assembler executable, as an `assembler_toolchain` provides it.",
    fields = {
        "assembler": "FilesToRunProvider: the assembler binary, built for the execution platform.",
        "runfiles": "runfiles: what running the assembler from a runnable target needs, the binary included.",
    },
)
