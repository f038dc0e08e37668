"""Shapes of checks that several topics share: a call of one function, an optimizer's
trajectory, the course's two-layer network, gradients by central differences."""



