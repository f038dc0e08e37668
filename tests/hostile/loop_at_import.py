# appended to: minibatch.py
# An endless loop while the module is imported.
while True:
    pass
