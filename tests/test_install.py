"""What `make test` and `make demo` install is what users get: the CPU build of torch (no CUDA
wheels), pinned the same way in the Makefile and the container image."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_installed_torch_is_the_cpu_build() -> None:
    import torch

    assert torch.version.cuda is None
    cuda_wheels = sorted(d.metadata["Name"] for d in metadata.distributions()
                         if (d.metadata["Name"] or "").lower().startswith("nvidia-"))
    assert cuda_wheels == []


def test_the_makefile_and_the_image_install_the_same_cpu_torch() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    pin = re.search(r"^TORCH := (torch==\S+)$", makefile, re.MULTILINE)
    index = re.search(r"^TORCH_INDEX := (\S+)$", makefile, re.MULTILINE)
    assert pin and index
    assert f"pip install {pin.group(1)} --index-url {index.group(1)}" in dockerfile
    assert index.group(1).endswith("/whl/cpu")
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"{pin.group(1)}"' in project
