"""Authoring tools: the blank markers of solutions/ and what is generated from them."""
