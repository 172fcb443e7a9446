"""Numerical programs written the way HIPS autograd's examples write them (re-implemented here,
not copied): factories returning closures, generators unpacking a flat weight vector, nested
``def`` cells reading the enclosing parameters, ``*args`` helpers, default arguments that are
numpy functions, small classes, seeded ``RandomState`` noise, scipy.special/scipy.stats calls.

Plain numpy and scipy: nothing here knows about autodiff. ``np``, ``special``, ``stats``,
``slinalg`` and ``signal`` are looked up at call time, so ``test_styles.py`` can run the same
source on autograd's wrappers. Every ``objective_*`` function takes a parameter pytree first and
returns a real scalar.
"""

# ruff: noqa: B905, RUF005, RUF007  (written the way their users write it)
from __future__ import annotations

import numpy as np
import scipy.linalg as slinalg
from scipy import signal, special, stats

# ---- neural_net.py: list of (W, b), relu, a prior over all weights ----------------------------


def relu(x):
    return np.maximum(0.0, x)


def nn_predict(params, inputs, nonlinearity=relu):
    for W, b in params[:-1]:
        inputs = nonlinearity(np.dot(inputs, W) + b)
    W_out, b_out = params[-1]
    outputs = np.dot(inputs, W_out) + b_out
    return outputs - special.logsumexp(outputs, axis=1, keepdims=True)


def log_gaussian_prior(params, scale):
    return sum(np.sum(stats.norm.logpdf(W, 0.0, scale)) + np.sum(stats.norm.logpdf(b, 0.0, scale))
               for W, b in params)


def objective_nn_log_posterior(params, inputs, targets):
    log_lik = np.sum(nn_predict(params, inputs) * targets)
    return -(log_lik + log_gaussian_prior(params, 2.0))


# ---- gaussian_process.py: a factory returning the GP's functions ------------------------------


def rbf_covariance(kernel_params, x, xp):
    output_scale = np.exp(kernel_params[0])
    lengthscales = np.exp(kernel_params[1:])
    diffs = np.expand_dims(x / lengthscales, 1) - np.expand_dims(xp / lengthscales, 0)
    return output_scale * np.exp(-0.5 * np.sum(diffs ** 2, axis=2))


def make_gp_funs(cov_func, num_cov_params):
    def unpack_kernel_params(params):
        mean = params[0]
        cov_params = params[2:]
        noise_scale = np.exp(params[1]) + 0.0001
        return mean, cov_params, noise_scale

    def predict(params, x, y, xstar):
        mean, cov_params, noise_scale = unpack_kernel_params(params)
        cov_f_f = cov_func(cov_params, xstar, xstar)
        cov_y_f = cov_func(cov_params, x, xstar)
        cov_y_y = cov_func(cov_params, x, x) + noise_scale * np.eye(len(y))
        pred_mean = mean + np.dot(np.linalg.solve(cov_y_y, cov_y_f).T, y - mean)
        pred_cov = cov_f_f - np.dot(np.linalg.solve(cov_y_y, cov_y_f).T, cov_y_f)
        return pred_mean, pred_cov

    def log_marginal_likelihood(params, x, y):
        mean, cov_params, noise_scale = unpack_kernel_params(params)
        cov_y_y = cov_func(cov_params, x, x) + noise_scale * np.eye(len(y))
        prior_mean = mean * np.ones(len(y))
        return stats.multivariate_normal.logpdf(y, prior_mean, cov_y_y)

    return num_cov_params + 2, predict, log_marginal_likelihood


def objective_gp(params, x, y, xstar):
    _, predict, log_marginal_likelihood = make_gp_funs(rbf_covariance, num_cov_params=2)
    pred_mean, pred_cov = predict(params, x, y, xstar)
    return -log_marginal_likelihood(params, x, y) + np.sum(pred_mean ** 2) + np.trace(pred_cov)


# ---- black_box_svi.py: a factory over a log density, reparameterised samples ------------------


def banana_log_density(z):
    x, y = z[:, 0], z[:, 1]
    return stats.norm.logpdf(x, 0.0, 1.35) + stats.norm.logpdf(y, 0.5 * x ** 2, 0.8)


def black_box_variational_inference(logprob, D, num_samples):
    def unpack_params(params):
        mean, log_std = params[:D], params[D:]
        return mean, log_std

    def gaussian_entropy(log_std):
        return 0.5 * D * (1.0 + np.log(2 * np.pi)) + np.sum(log_std)

    def variational_objective(params, seed):
        mean, log_std = unpack_params(params)
        rs = np.random.RandomState(seed)
        samples = rs.randn(num_samples, *mean.shape) * np.exp(log_std) + mean
        lower_bound = gaussian_entropy(log_std) + np.mean(logprob(samples))
        return -lower_bound

    return variational_objective, unpack_params


def objective_black_box_svi(params):
    objective, _ = black_box_variational_inference(banana_log_density, 2, 16)
    return objective(params, 0)


# ---- bayesian_neural_net.py: a generator unpacking a batch of flat weight vectors --------------


def make_nn_funs(layer_sizes, L2_reg, noise_variance, nonlinearity=np.tanh):
    shapes = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    num_weights = sum((m + 1) * n for m, n in shapes)

    def unpack_layers(weights):
        num_weight_sets = len(weights)
        for m, n in shapes:
            yield (weights[:, :m * n].reshape((num_weight_sets, m, n)),
                   weights[:, m * n:m * n + n].reshape((num_weight_sets, 1, n)))
            weights = weights[:, (m + 1) * n:]

    def predictions(weights, inputs):
        inputs = np.expand_dims(inputs, 0)
        for W, b in unpack_layers(weights):
            outputs = np.einsum("mnd,mdo->mno", inputs, W) + b
            inputs = nonlinearity(outputs)
        return outputs

    def logprob(weights, inputs, targets):
        log_prior = -L2_reg * np.sum(weights ** 2, axis=1)
        preds = predictions(weights, inputs)
        log_lik = -np.sum((preds - targets) ** 2, axis=1)[:, 0] / noise_variance
        return log_prior + log_lik

    return num_weights, predictions, logprob


def objective_bayesian_nn(weights, inputs, targets):
    _, _, logprob = make_nn_funs([1, 4, 1], L2_reg=0.1, noise_variance=0.05)
    return -np.mean(logprob(weights, inputs, targets))


# ---- rnn.py: dict of parameters, nested cells, a *args helper ---------------------------------


def concat_and_multiply(weights, *args):
    cat_state = np.hstack(args + (np.ones((args[0].shape[0], 1)),))
    return np.dot(cat_state, weights)


def rnn_predict(params, inputs):
    def update_rnn(input, hiddens):
        return np.tanh(concat_and_multiply(params["change"], input, hiddens))

    def hiddens_to_output_probs(hiddens):
        output = concat_and_multiply(params["predict"], hiddens)
        return output - special.logsumexp(output, axis=1, keepdims=True)

    num_sequences = inputs.shape[1]
    hiddens = np.repeat(params["init hiddens"], num_sequences, axis=0)
    output = [hiddens_to_output_probs(hiddens)]
    for input in inputs:
        hiddens = update_rnn(input, hiddens)
        output.append(hiddens_to_output_probs(hiddens))
    return output


def objective_rnn(params, inputs, targets):
    logprobs = rnn_predict(params, inputs)
    loglik = 0.0
    num_time_steps, num_examples, _ = inputs.shape
    for t in range(num_time_steps):
        loglik += np.sum(logprobs[t] * targets[t])
    return -loglik / (num_time_steps * num_examples)


# ---- lstm.py: a nested cell returning a tuple of states ---------------------------------------


def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)


def lstm_predict(params, inputs):
    def update_lstm(input, hiddens, cells):
        change = np.tanh(concat_and_multiply(params["change"], input, hiddens))
        forget = sigmoid(concat_and_multiply(params["forget"], input, hiddens))
        ingate = sigmoid(concat_and_multiply(params["ingate"], input, hiddens))
        outgate = sigmoid(concat_and_multiply(params["outgate"], input, hiddens))
        cells = cells * forget + ingate * change
        hiddens = outgate * np.tanh(cells)
        return hiddens, cells

    num_sequences = inputs.shape[1]
    hiddens = np.repeat(params["init hiddens"], num_sequences, axis=0)
    cells = np.repeat(params["init cells"], num_sequences, axis=0)
    outputs = []
    for input in inputs:
        hiddens, cells = update_lstm(input, hiddens, cells)
        outputs.append(concat_and_multiply(params["predict"], hiddens))
    return outputs


def objective_lstm(params, inputs, targets):
    loss = 0.0
    for output, target in zip(lstm_predict(params, inputs), targets):
        loss = loss - np.sum((output - special.logsumexp(output, axis=1, keepdims=True)) * target)
    return loss


# ---- convnet.py: a weights parser and layer objects with forward passes -----------------------


class WeightsParser:
    """Slices named, shaped blocks out of one flat parameter vector."""

    def __init__(self):
        self.idxs_and_shapes = {}
        self.N = 0

    def add_weights(self, name, shape):
        start = self.N
        self.N += int(np.prod(shape))
        self.idxs_and_shapes[name] = (slice(start, self.N), shape)

    def get(self, vect, name):
        idxs, shape = self.idxs_and_shapes[name]
        return np.reshape(vect[idxs], shape)


class ConvLayer:
    def __init__(self, kernel_shape, num_filters):
        self.kernel_shape = kernel_shape
        self.num_filters = num_filters
        self.parser = WeightsParser()
        self.parser.add_weights("filters", (num_filters,) + kernel_shape)
        self.parser.add_weights("biases", (num_filters,))

    def forward_pass(self, image, param_vector):
        filters = self.parser.get(param_vector, "filters")
        biases = self.parser.get(param_vector, "biases")
        maps = [signal.convolve(image, filters[k], mode="valid") + biases[k]
                for k in range(self.num_filters)]
        return np.tanh(np.stack(maps))


class DenseLayer:
    def __init__(self, num_inputs, num_outputs):
        self.parser = WeightsParser()
        self.parser.add_weights("W", (num_inputs, num_outputs))
        self.parser.add_weights("b", (num_outputs,))

    def forward_pass(self, inputs, param_vector):
        return np.dot(inputs, self.parser.get(param_vector, "W")) + self.parser.get(param_vector,
                                                                                    "b")


CONV = ConvLayer((3, 3), 2)
DENSE = DenseLayer(2 * 4 * 4 // 4, 3)


def max_pool_2x2(maps):
    channels, rows, cols = maps.shape
    blocks = maps.reshape(channels, rows // 2, 2, cols // 2, 2)
    return np.max(np.max(blocks, axis=4), axis=2)


def objective_convnet(weights, images, labels):
    conv_weights, dense_weights = weights
    loss = 0.0
    for image, label in zip(images, labels):
        pooled = max_pool_2x2(CONV.forward_pass(image, conv_weights))
        logits = DENSE.forward_pass(pooled.ravel(), dense_weights)
        loss = loss - np.dot(logits - special.logsumexp(logits), label)
    return loss


# ---- fluidsim.py: periodic advection with floor/mod indexing, relaxation sweeps ---------------


def project(vx, vy, iterations=8):
    p = np.zeros(vx.shape)
    div = -0.5 * (np.roll(vx, -1, axis=0) - np.roll(vx, 1, axis=0)
                  + np.roll(vy, -1, axis=1) - np.roll(vy, 1, axis=1))
    for _ in range(iterations):
        p = (div + np.roll(p, 1, axis=0) + np.roll(p, -1, axis=0)
             + np.roll(p, 1, axis=1) + np.roll(p, -1, axis=1)) / 4.0
    vx = vx - 0.5 * (np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0))
    vy = vy - 0.5 * (np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1))
    return vx, vy


def advect(f, vx, vy):
    rows, cols = f.shape
    cell_ys, cell_xs = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    center_xs = (cell_xs - vx).ravel()
    center_ys = (cell_ys - vy).ravel()
    left_ix = np.floor(center_xs).astype(int)
    top_ix = np.floor(center_ys).astype(int)
    rw = center_xs - left_ix
    bw = center_ys - top_ix
    left_ix = np.mod(left_ix, cols)
    right_ix = np.mod(left_ix + 1, cols)
    top_ix = np.mod(top_ix, rows)
    bot_ix = np.mod(top_ix + 1, rows)
    flat = (1 - rw) * ((1 - bw) * f[top_ix, left_ix] + bw * f[bot_ix, left_ix]) \
        + rw * ((1 - bw) * f[top_ix, right_ix] + bw * f[bot_ix, right_ix])
    return np.reshape(flat, (rows, cols))


def objective_fluid(velocity, smoke, target, num_steps=3):
    vx, vy = velocity
    for _ in range(num_steps):
        vx, vy = project(vx, vy)
        vx_next = advect(vx, vx, vy)
        vy_next = advect(vy, vx, vy)
        smoke = advect(smoke, vx, vy)
        vx, vy = vx_next, vy_next
    return np.mean((smoke - target) ** 2)


# ---- rkhs.py: a function-space object with operators, built inside the objective --------------


def rbf_kernel(x, y):
    return np.exp(-np.sum((x - y) ** 2))


class KernelExpansion:
    """f(x) = sum_i alpha_i k(x, c_i): a vector space element with + and scalar *."""

    def __init__(self, kernel, centers, alphas):
        self.kernel = kernel
        self.centers = centers
        self.alphas = alphas

    def __call__(self, x):
        return sum(a * self.kernel(x, c) for c, a in zip(self.centers, self.alphas))

    def __add__(self, other):
        return KernelExpansion(self.kernel, np.concatenate([self.centers, other.centers]),
                               np.concatenate([self.alphas, other.alphas]))

    def __mul__(self, scale):
        return KernelExpansion(self.kernel, self.centers, scale * self.alphas)


def objective_rkhs(alphas, centers, xs, ys):
    f = KernelExpansion(rbf_kernel, centers, alphas)
    g = f + f * 0.5
    return sum((g(x) - y) ** 2 for x, y in zip(xs, ys)) + 0.1 * np.dot(alphas, alphas)


# ---- ode_net.py-style: an RK4 integrator over a small network, a learnable horizon -------------


def mlp_dynamics(params, y, t):
    (W1, b1), (W2, b2) = params
    hidden = np.tanh(np.dot(y, W1) + b1 + t)
    return np.dot(hidden, W2) + b2


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


def objective_ode_net(params, y0, targets):
    net, log_horizon = params
    times = np.linspace(0.0, np.exp(log_horizon), len(targets))
    path = rk4_solve(lambda y, t: mlp_dynamics(net, y, t), y0, times)
    return np.sum((path - targets) ** 2)


# ---- mixture_variational_inference.py: a list of per-component parameter dicts ----------------


def mixture_log_density(z):
    return special.logsumexp(np.stack([stats.norm.logpdf(z, -1.0, 0.6),
                                       stats.norm.logpdf(z, 1.5, 0.9)]), axis=0)


def objective_mixture_vi(components, num_samples=12):
    rs = np.random.RandomState(3)
    log_weights = np.array([c["logit"] for c in components])
    log_weights = log_weights - special.logsumexp(log_weights)
    elbo = 0.0
    for k, component in enumerate(components):
        eps = rs.randn(num_samples)
        z = component["mean"] + np.exp(component["log_std"]) * eps
        log_q = special.logsumexp(
            np.stack([log_weights[j] + stats.norm.logpdf(z, c["mean"], np.exp(c["log_std"]))
                      for j, c in enumerate(components)]), axis=0)
        elbo = elbo + np.exp(log_weights[k]) * np.mean(mixture_log_density(z) - log_q)
    return -elbo


# ---- natural gradient / Fisher style: solve, slogdet and a Cholesky-parameterised covariance ---


def objective_gaussian_fit(params, data):
    mean, chol_flat = params
    dim = mean.shape[0]
    raw = chol_flat.reshape(dim, dim)
    L = np.tril(raw, -1) + np.diag(np.exp(np.diag(raw)))
    cov = np.dot(L, L.T)
    centered = data - mean
    sign, logdet = np.linalg.slogdet(cov)
    whitened = slinalg.solve_triangular(L, centered.T, lower=True)
    check = np.sum(centered.T * np.linalg.solve(cov, centered.T))
    return 0.5 * np.sum(whitened ** 2) + 0.5 * len(data) * sign * logdet + 0.01 * check


# ---- the rejected programs above, rewritten the way autodiff's error messages suggest ---------
# (module-level helpers, values passed as arguments): the numerics of each program stay covered.


def nn_predict_relu(params, inputs):
    for W, b in params[:-1]:
        inputs = relu(np.dot(inputs, W) + b)
    W_out, b_out = params[-1]
    outputs = np.dot(inputs, W_out) + b_out
    return outputs - special.logsumexp(outputs, axis=1, keepdims=True)


def objective_nn_log_posterior_rewritten(params, inputs, targets):
    log_lik = np.sum(nn_predict_relu(params, inputs) * targets)
    return -(log_lik + log_gaussian_prior(params, 2.0))


def gp_unpack(params):
    return params[0], params[2:], np.exp(params[1]) + 0.0001


def gp_log_marginal_likelihood(params, x, y):
    mean, cov_params, noise_scale = gp_unpack(params)
    cov_y_y = rbf_covariance(cov_params, x, x) + noise_scale * np.eye(len(y))
    return stats.multivariate_normal.logpdf(y, mean * np.ones(len(y)), cov_y_y)


def gp_predict(params, x, y, xstar):
    mean, cov_params, noise_scale = gp_unpack(params)
    cov_f_f = rbf_covariance(cov_params, xstar, xstar)
    cov_y_f = rbf_covariance(cov_params, x, xstar)
    cov_y_y = rbf_covariance(cov_params, x, x) + noise_scale * np.eye(len(y))
    pred_mean = mean + np.dot(np.linalg.solve(cov_y_y, cov_y_f).T, y - mean)
    pred_cov = cov_f_f - np.dot(np.linalg.solve(cov_y_y, cov_y_f).T, cov_y_f)
    return pred_mean, pred_cov


def objective_gp_rewritten(params, x, y, xstar):
    pred_mean, pred_cov = gp_predict(params, x, y, xstar)
    return -gp_log_marginal_likelihood(params, x, y) + np.sum(pred_mean ** 2) + np.trace(pred_cov)


def objective_black_box_svi_rewritten(params, num_samples=16, seed=0):
    mean, log_std = params[:2], params[2:]
    rs = np.random.RandomState(seed)
    samples = rs.randn(num_samples, *mean.shape) * np.exp(log_std) + mean
    entropy = 0.5 * 2 * (1.0 + np.log(2 * np.pi)) + np.sum(log_std)
    return -(entropy + np.mean(banana_log_density(samples)))


def bnn_logprob(weights, inputs, targets, layer_sizes=(1, 4, 1)):
    num_weight_sets = len(weights)
    inputs = np.expand_dims(inputs, 0)
    offset = 0
    for m, n in zip(layer_sizes[:-1], layer_sizes[1:]):
        W = weights[:, offset:offset + m * n].reshape((num_weight_sets, m, n))
        b = weights[:, offset + m * n:offset + m * n + n].reshape((num_weight_sets, 1, n))
        offset = offset + (m + 1) * n
        outputs = np.einsum("mnd,mdo->mno", inputs, W) + b
        inputs = np.tanh(outputs)
    log_prior = -0.1 * np.sum(weights ** 2, axis=1)
    log_lik = -np.sum((outputs - targets) ** 2, axis=1)[:, 0] / 0.05
    return log_prior + log_lik


def objective_bayesian_nn_rewritten(weights, inputs, targets):
    return -np.mean(bnn_logprob(weights, inputs, targets))


def affine_with_bias(weights, a, b):
    return np.dot(np.hstack((a, b, np.ones((a.shape[0], 1)))), weights)


def objective_rnn_rewritten(params, inputs, targets):
    hiddens = np.repeat(params["init hiddens"], inputs.shape[1], axis=0)
    loglik = 0.0
    for input, target in zip(inputs, targets):
        hiddens = np.tanh(affine_with_bias(params["change"], input, hiddens))
        output = np.dot(np.hstack((hiddens, np.ones((hiddens.shape[0], 1)))), params["predict"])
        loglik = loglik + np.sum((output - special.logsumexp(output, axis=1, keepdims=True))
                                 * target)
    return -loglik / (inputs.shape[0] * inputs.shape[1])


def rk4_solve_net(net, y0, times):
    ys = [y0]
    y = y0
    for i in range(len(times) - 1):
        t, h = times[i], times[i + 1] - times[i]
        k1 = mlp_dynamics(net, y, t)
        k2 = mlp_dynamics(net, y + 0.5 * h * k1, t + 0.5 * h)
        k3 = mlp_dynamics(net, y + 0.5 * h * k2, t + 0.5 * h)
        k4 = mlp_dynamics(net, y + h * k3, t + h)
        y = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        ys.append(y)
    return np.array(ys)


def objective_ode_net_rewritten(params, y0, targets):
    net, log_horizon = params
    times = np.linspace(0.0, np.exp(log_horizon), len(targets))
    return np.sum((rk4_solve_net(net, y0, times) - targets) ** 2)
