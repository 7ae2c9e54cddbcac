"""Shared code of the qlstm PyTorch reference scripts (see reference/README.md)."""
