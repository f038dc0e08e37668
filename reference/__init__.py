"""The trusted implementation of the student-facing contract: the grader's oracle.

Verified in tests/ against independent oracles (numerical gradients, closed forms,
PyTorch), never against itself or against solutions/.
"""
