"""Exception types of the sample PKI tooling."""


class SamplePKIError(Exception):
    """Something needed to build or serve the sample PKI is missing or broken."""


class FontNotFoundError(SamplePKIError):
    """No font with Vietnamese glyphs could be found for the sample images."""


class ToolMissingError(SamplePKIError):
    """An external program (softhsm2-util, pkcs11-tool, ...) is not installed."""
