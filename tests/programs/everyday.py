"""Programs written the way autograd and JAX users write them: factories returning closures,
lambdas and nested defs reading enclosing variables, aliases of numpy functions, star-unpacked
shapes, debug prints. Nothing here knows about autodiff (``test_everyday.py`` checks them)."""

from __future__ import annotations

import dataclasses
import functools
from typing import NamedTuple

import numpy as np
from scipy import stats

# ---- the examples of issue 17, as written ---------------------------------------------------


def make(a):
    return lambda x: x - 0.05 * (x**2 - a)


def h(a):
    return make(a)(1.4)


def make_step(a):
    def step(x):
        return x - 0.05 * (x**2 - a)
    return step


def h_def(a):
    return make_step(a)(1.4)


# ---- factories -----------------------------------------------------------------------------


def make_affine(W, b):
    def affine(x):
        return x @ W + b
    return affine


def two_affine_layers(W1, b1, W2, b2, x):
    first = make_affine(W1, b1)
    second = make_affine(W2, b2)
    return np.sum(np.tanh(second(np.tanh(first(x)))))


def newton_with_a_step_factory(a):
    step = make_step(a)
    x = 1.0
    for _ in range(6):
        x = step(x)
    return x


def make_loss(targets):
    return lambda predictions: np.mean((predictions - targets) ** 2)


def fit_error(w, inputs, targets):
    loss = make_loss(targets)
    return loss(inputs @ w)


# ---- nested defs and lambdas reading enclosing variables -------------------------------------


def rnn_with_a_cell(params, xs):
    W, U, b = params

    def cell(h, x):
        return np.tanh(W @ h + U @ x + b)

    h = np.zeros(W.shape[0])
    for x in xs:
        h = cell(h, x)
    return np.sum(h ** 2)


def logistic_regression(weights, inputs, targets):
    def predict(w):
        return 0.5 * (np.tanh(inputs @ w / 2.0) + 1.0)

    probabilities = predict(weights)
    label_probabilities = probabilities * targets + (1 - probabilities) * (1 - targets)
    return -np.sum(np.log(label_probabilities))


def lambda_activations(x, W):
    relu_ish = lambda z: np.log1p(np.exp(z))  # noqa: E731
    scaled = lambda z: z * W[0, 0]  # noqa: E731
    return np.sum(scaled(relu_ish(x @ W)))


def closure_reading_a_later_value(x):
    def energy():
        return np.sum(y * y)

    y = np.sin(x)
    return energy() + np.sum(x)


def helper_called_in_a_comprehension(x, c):
    def term(k):
        return np.sin(k * x) * c

    return np.sum(np.stack([term(k) for k in range(3)]))


# ---- aliases, star-unpacked shapes, side effects ---------------------------------------------


def alias_of_a_numpy_function(x):
    nonlinearity = np.tanh
    return np.sum(nonlinearity(x) ** 2)


def reparameterized_sample(mean, log_std):
    eps = np.random.RandomState(0).randn(*mean.shape)
    return np.sum((mean + np.exp(log_std) * eps) ** 2)


def debug_print_not_taken(x):
    y = np.cos(x) * x
    if y.shape[0] > 100:
        print("large", y)
    return np.sum(y)


# ---- with blocks, local imports ----------------------------------------------------------------


def log_likelihood_under_errstate(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(x * x + 1.0)
    return np.sum(logs)


def quiet_warnings(x, w):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = np.tanh(x * w)
    return np.sum(y * y)


def local_numpy_import(x):
    import numpy as onp
    from numpy import linalg

    return linalg.norm(onp.sin(x))


# ---- functions as parameters -----------------------------------------------------------------


def dense(x, W, nonlinearity=np.tanh):
    return nonlinearity(x @ W)


def two_layers_with_default_and_passed_activations(x, W1, W2):
    hidden = dense(x, W1)
    return np.sum(dense(hidden, W2, nonlinearity=np.sin))


def mlp_with_activation_alias(x, W):
    act = np.arctan
    return np.sum(dense(x, W, act))


# ---- nested differentiation ------------------------------------------------------------------


def potential(x):
    return np.sum(np.sin(x) * x + 0.5 * x ** 2)


def squared_force(x):
    import autodiff

    force = autodiff.grad(potential)(x)
    return np.sum(force ** 2)


# ---- objects built inside the function ---------------------------------------------------------


class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def __call__(self, x):
        return x @ self.W + self.b

    def l2(self):
        return np.sum(self.W ** 2)


def object_layer(W, b, x):
    layer = Affine(W, b)
    return np.sum(np.tanh(layer(x))) + 0.1 * layer.l2()


def two_object_layers(W1, b1, W2, b2, x):
    hidden = np.tanh(Affine(W1, b1)(x))
    out = Affine(W2, b2)
    return np.sum(out(hidden) ** 2) + np.sum(out.b)


@dataclasses.dataclass
class GaussianParams:
    mean: np.ndarray
    log_std: np.ndarray

    def log_density(self, x):
        z = (x - self.mean) / np.exp(self.log_std)
        return -0.5 * np.sum(z ** 2) - np.sum(self.log_std)


def dataclass_parameters(mean, log_std, x):
    params = GaussianParams(mean, log_std)
    return params.log_density(x) + np.sum(params.mean)


class Layer(NamedTuple):
    W: np.ndarray
    b: np.ndarray


def namedtuple_parameters(W, b, x):
    layer = Layer(W, b)
    return np.sum(np.tanh(x @ layer.W + layer.b))


# ---- lists of closures -------------------------------------------------------------------------


def make_layer(W):
    def layer(x):
        return np.tanh(x @ W)
    return layer


def layers_from_a_factory(W1, W2, W3, x):
    layers = [make_layer(W1), make_layer(W2), make_layer(W3)]
    for layer in layers:
        x = layer(x)
    return np.sum(x ** 2) + np.sum(layers[0](x))


# ---- *args helpers ---------------------------------------------------------------------------


def total_squared(scale, *arrays):
    s = 0.0
    for a in arrays:
        s = s + np.sum(a * a)
    return scale * s


def sum_of_squares_of_parts(x, y):
    return total_squared(0.5, x, 2.0 * y, x * y) + total_squared(1.0, y)



# ---- callables and records handed to helpers, partials, frozen distributions ---------------


def rk4_solve(dynamics, y0, times):
    ys = [y0]
    y = y0
    for i in range(len(times) - 1):
        t, h = times[i], times[i + 1] - times[i]
        k1 = dynamics(y, t)
        k2 = dynamics(y + 0.5 * h * k1, t + 0.5 * h)
        k3 = dynamics(y + 0.5 * h * k2, t + 0.5 * h)
        k4 = dynamics(y + h * k3, t + h)
        y = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        ys.append(y)
    return np.array(ys)


def linear_dynamics(A, y, t):
    return np.tanh(A @ y) * np.cos(t)


def ode_with_a_lambda(A, y0):
    path = rk4_solve(lambda y, t: linear_dynamics(A, y, t), y0, np.linspace(0.0, 1.0, 5))
    return np.sum(path[-1] ** 2)


def ode_with_a_partial(A, y0):
    path = rk4_solve(functools.partial(linear_dynamics, A), y0, np.linspace(0.0, 1.0, 5))
    return np.sum(path ** 2)


def scan(f, init, xs):
    carry = init
    ys = []
    for x in xs:
        carry, y = f(carry, x)
        ys.append(y)
    return carry, np.stack(ys)


def rnn_scanned_with_a_nested_cell(W, U, xs):
    def cell(h, x):
        h = np.tanh(h @ W + x @ U)
        return h, np.sum(h)
    final, outputs = scan(cell, np.zeros(W.shape[0]), xs)
    return np.sum(final ** 2) + np.sum(outputs)


def gram(kernel, xs):
    return np.array([[kernel(a, b) for b in xs] for a in xs])


def kernel_ridge_with_a_lambda(log_scale, xs):
    K = gram(lambda a, b: np.exp(-np.sum((a - b) ** 2) / np.exp(log_scale)), xs)
    return np.sum(np.linalg.solve(K + np.eye(len(xs)), np.ones(len(xs))))


class Gaussian(NamedTuple):
    mean: np.ndarray
    log_std: np.ndarray


def gaussian_log_density(params, x):
    z = (x - params.mean) / np.exp(params.log_std)
    return -0.5 * np.sum(z ** 2) - np.sum(params.log_std)


def record_built_in_the_call(mean, log_std, x):
    return gaussian_log_density(Gaussian(mean, 2.0 * log_std), x)


def frozen_normal_log_likelihood(mu, log_sigma, x):
    model = stats.norm(mu, np.exp(log_sigma))
    return np.sum(model.logpdf(x)) + np.sum(model.logcdf(x[:2]))


def partial_bound_then_called(w, x):
    layer = functools.partial(np.dot, x)
    return np.sum(np.tanh(layer(w)))
