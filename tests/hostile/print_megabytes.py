# appended to: network.py
# Prints tens of megabytes at import and in every call; the code is right.
print("x" * 40_000_000)
_forward = forward


def forward(network, x):
    print("y" * 1_000_000)
    return _forward(network, x)
