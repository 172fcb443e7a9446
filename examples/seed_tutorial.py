"""The seed tutorial (MindSpore functional autodiff), run on autodiff with only the imports
changed. Run: python examples/seed_tutorial.py"""

import numpy as np

import autodiff as mindspore
from autodiff import Parameter, Tensor, nn, ops

np.random.seed(0)  # the tutorial uses the global generator; seeded here for repeatable output

x = ops.ones(5, mindspore.float32)  # input, shape (5,)
y = ops.zeros(3, mindspore.float32)  # target, shape (3,)
w = Parameter(Tensor(np.random.randn(5, 3), mindspore.float32), name='w')  # weight
b = Parameter(Tensor(np.random.randn(3,), mindspore.float32), name='b')  # bias


def function(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss


print("loss:", function(x, y, w, b))

# Gradients with respect to w and b (positions 2 and 3)
grad_fn = mindspore.grad(function, (2, 3))
grads = grad_fn(x, y, w, b)
print("grad(function, (2, 3)):", grads)
print("generated gradient source of `function`:")
print(mindspore.source(grad_fn))


def function_with_logits(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss, z


grad_fn = mindspore.grad(function_with_logits, (2, 3))
grads = grad_fn(x, y, w, b)
print("grad(function_with_logits, (2, 3)):", grads)


def function_stop_gradient(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss, ops.stop_gradient(z)


grad_fn = mindspore.grad(function_stop_gradient, (2, 3))
grads = grad_fn(x, y, w, b)
print("grad(function_stop_gradient, (2, 3)):", grads)

grad_fn = mindspore.grad(function_with_logits, (2, 3), has_aux=True)
grads, (z,) = grad_fn(x, y, w, b)
print("grad(function_with_logits, (2, 3), has_aux=True):", grads, "aux z:", z)


# Differentiating a network with respect to its weights
class Network(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = w
        self.b = b

    def construct(self, x):
        z = ops.matmul(x, self.w) + self.b
        return z


model = Network()
loss_fn = nn.BCEWithLogitsLoss()


def forward_fn(x, y):
    z = model(x)
    loss = loss_fn(z, y)
    return loss


grad_fn = mindspore.value_and_grad(forward_fn, None, weights=model.trainable_params())
loss, grads = grad_fn(x, y)
print("value_and_grad(forward_fn, None, weights=model.trainable_params()):", loss, grads)
print("trainable_params:", [p.name for p in model.trainable_params()])
