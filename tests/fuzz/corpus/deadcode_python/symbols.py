import os
from . import x as y


# comment
@app.route("/")
def _f(a, *b, c=1, **d) -> "Optional[T]":
    """doc"""
    return f"{a!r:>{c}} {{x}}" + rb"\x" + \
        """t
"""

class C(Base, metaclass=M):
    x: int = 1
    def m(self): pass

if __name__ == "__main__":
    _f(getattr(os, "sep"))
