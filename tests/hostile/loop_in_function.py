# appended to: functions.py
# An endless loop inside one function (softmax; training calls it too).
def softmax(x):
    while True:
        pass
