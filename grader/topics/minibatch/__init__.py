"""Topic minibatch: slicing one mini-batch, and one pass over shuffled data."""
from grader.topics.registry import About

ABOUT = About('minibatch', order=90, module='minibatch', functions=('get_minibatch', 'iterate_minibatches'), quiz='day2-s1-challenge')
