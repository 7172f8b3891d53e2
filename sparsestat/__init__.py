"""sparsestat: sparse statistical estimation in the scikit-learn style."""

__version__ = "0.1.0.dev0"
