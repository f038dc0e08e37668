"""Topic mse: the mean squared error and its gradient."""
from grader.topics.registry import About

ABOUT = About('mse', order=30, module='functions', functions=('mean_squared_error', 'd_mean_squared_error'), quiz='day1-s3')
