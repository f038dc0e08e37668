"""Topic weight_init: Xavier and He initial weights, graded by their distribution."""
from grader.topics.registry import About

ABOUT = About('weight_init', order=150, module='weight_init', functions=('xavier_init', 'he_init'), quiz='day2-s1-init')
