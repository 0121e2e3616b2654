"""Demo projects: small, deterministic data sets for every modality, made on the spot."""

from truthline.demo.generate import DemoProject, generate_demo

__all__ = ["DemoProject", "generate_demo"]
