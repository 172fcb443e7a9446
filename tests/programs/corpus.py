"""A corpus of ordinary numpy programs, written the way a numpy user writes them.

Every public function here is differentiated by ``test_corpus.py`` with respect to all of its
floating-point inputs and checked against central finite differences. The programs use control
flow (branches, ``for``/``while`` loops, ``break``/``continue``/``return``), element and slice
writes, lists, tuples, helpers, methods and closures. Nothing here knows about autodiff.
"""

from __future__ import annotations

import math

import numpy as np

# ---- small helpers shared by several programs --------------------------------------------------


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def softplus(v):
    return np.log1p(np.exp(v))


def mse(a, b):
    d = a - b
    return np.mean(d * d)


# ---- recurrent networks ------------------------------------------------------------------------


def rnn_50_steps(xs, W, U, b):
    h = np.zeros(W.shape[0])
    for t in range(50):
        h = np.tanh(W @ h + U @ xs[t] + b)
    return np.sum(h ** 2)


def rnn_stack_states(xs, W, U):
    h = np.zeros(W.shape[0])
    hs = []
    for x in xs:
        h = np.tanh(W @ h + U @ x)
        hs.append(h)
    H = np.stack(hs)
    return np.mean(H ** 2) + np.sum(H[-1])


def rnn_with_readout_loss(xs, targets, W, U, V):
    h = np.zeros(W.shape[0])
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t])
        y = V @ h
        loss = loss + mse(y, targets[t])
    return loss / xs.shape[0]


def gru_sequence(xs, params):
    Wz, Uz, Wr, Ur, Wh, Uh = params
    h = np.zeros(Uz.shape[0])
    for x in xs:
        z = sigmoid(Wz @ x + Uz @ h)
        r = sigmoid(Wr @ x + Ur @ h)
        candidate = np.tanh(Wh @ x + Uh @ (r * h))
        h = (1.0 - z) * h + z * candidate
    return np.sum(h)


def lstm_cell(x, state, W, b):
    h, c = state
    gates = W @ np.concatenate([x, h]) + b
    n = h.shape[0]
    i = sigmoid(gates[:n])
    f = sigmoid(gates[n:2 * n])
    o = sigmoid(gates[2 * n:3 * n])
    g = np.tanh(gates[3 * n:])
    c = f * c + i * g
    h = o * np.tanh(c)
    return h, c


def lstm_sequence(xs, W, b):
    n = b.shape[0] // 4
    state = (np.zeros(n), np.zeros(n))
    for t in range(xs.shape[0]):
        state = lstm_cell(xs[t], state, W, b)
    h, c = state
    return np.sum(h) + 0.5 * np.sum(c ** 2)


def lstm_inline_tuple_state(xs, Wx, Wh):
    n = Wh.shape[1]
    state = (np.zeros(n), np.zeros(n))
    for x in xs:
        h, c = state
        pre = Wx @ x + Wh @ h
        i, f, o, g = pre[:n], pre[n:2 * n], pre[2 * n:3 * n], pre[3 * n:]
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        state = (h, c)
    h, c = state
    return np.sum(h * c)


def bidirectional_rnn(xs, Wf, Wb, U):
    hf = np.zeros(Wf.shape[0])
    hb = np.zeros(Wb.shape[0])
    for t in range(xs.shape[0]):
        hf = np.tanh(Wf @ hf + U @ xs[t])
    for t in reversed(range(xs.shape[0])):
        hb = np.tanh(Wb @ hb + U @ xs[t])
    return np.sum(hf * hb) + np.sum(hf)


def masked_rnn_zip(xs, masks, W, U):
    h = np.zeros(W.shape[0])
    for x, m in zip(xs, masks):  # noqa: B905
        new = np.tanh(W @ h + U @ x)
        h = m * new + (1.0 - m) * h
    return np.sum(h)


def decayed_rnn_enumerate(xs, W, U):
    h = np.zeros(W.shape[0])
    total = 0.0
    for t, x in enumerate(xs):
        h = np.tanh(W @ h + U @ x)
        total = total + 0.9 ** t * np.sum(h)
    return total


def leaky_integrator_rows(X, tau):
    v = np.zeros(X.shape[1])
    for row in X:
        v = v + (row - v) / tau
    return np.sum(v ** 2)


def rnn_step_helper(h, x, W, U):
    return np.tanh(W @ h + U @ x)


def rnn_with_step_helper(xs, W, U):
    h = np.zeros(W.shape[0])
    for x in xs:
        h = rnn_step_helper(h, x, W, U)
    return np.sum(np.sin(h))


def rnn_attention_pool(xs, W, U, q):
    h = np.zeros(W.shape[0])
    hs = []
    for x in xs:
        h = np.tanh(W @ h + U @ x)
        hs.append(h)
    H = np.stack(hs)
    scores = H @ q
    scores = scores - np.max(scores)
    alpha = np.exp(scores) / np.sum(np.exp(scores))
    context = alpha @ H
    return np.sum(context ** 2)


# ---- iterative solvers -------------------------------------------------------------------------


def newton_sqrt(a):
    x = np.ones_like(a)
    err = 1.0
    while err > 1e-12:
        x_new = 0.5 * (x + a / x)
        err = np.max(np.abs(x_new - x))
        x = x_new
    return np.sum(x)


def newton_kepler(M, e):
    E = M.copy()
    for _ in range(50):
        f = E - e * np.sin(E) - M
        if np.max(np.abs(f)) < 1e-13:
            break
        E = E - f / (1.0 - e * np.cos(E))
    return np.sum(np.sin(E))


def newton_scalar_root(c):
    x = 1.0
    step = 1.0
    it = 0
    while abs(step) > 1e-13 and it < 100:
        step = (x ** 3 + x - c) / (3.0 * x ** 2 + 1.0)
        x = x - step
        it += 1
    return x


def damped_fixed_point(A, b):
    x = np.zeros_like(b)
    for _ in range(40):
        x = 0.5 * x + 0.5 * np.tanh(A @ x + b)
    return np.sum(x ** 2)


def fixed_point_until_converged(A, b, damping):
    x = np.zeros_like(b)
    delta = np.inf
    while delta > 1e-11:
        x_new = (1.0 - damping) * x + damping * np.cos(A @ x + b)
        delta = np.linalg.norm(x_new - x)
        x = x_new
    return x @ x


def unrolled_gradient_descent(A, b, lr):
    x = np.zeros(A.shape[1])
    for _ in range(25):
        residual = A @ x - b
        x = x - lr * (A.T @ residual)
    return np.sum((A @ x - b) ** 2)


def power_iteration(A):
    v = np.ones(A.shape[0])
    for _ in range(30):
        v = A @ v
        v = v / np.linalg.norm(v)
    return v @ (A @ v)


def jacobi_iteration(A, b):
    D = np.diag(A)
    R = A - np.diag(D)
    x = np.zeros_like(b)
    for _ in range(30):
        x = (b - R @ x) / D
    return np.sum(x)


def forward_substitution(L, b):
    n = b.shape[0]
    x = np.zeros_like(b)
    for i in range(n):
        x[i] = (b[i] - L[i, :i] @ x[:i]) / L[i, i]
    return np.sum(x ** 2)


def back_substitution(U, b):
    n = b.shape[0]
    x = np.zeros_like(b)
    for i in range(n - 1, -1, -1):
        s = b[i]
        for j in range(i + 1, n):
            s = s - U[i, j] * x[j]
        x[i] = s / U[i, i]
    return np.sum(x * np.arange(1, n + 1))


def cholesky_loops(A):
    n = A.shape[0]
    L = np.zeros_like(A)
    for j in range(n):
        L[j, j] = np.sqrt(A[j, j] - np.sum(L[j, :j] ** 2))
        for i in range(j + 1, n):
            L[i, j] = (A[i, j] - L[i, :j] @ L[j, :j]) / L[j, j]
    return np.sum(L ** 2) + np.sum(np.log(np.diag(L)))


def gram_schmidt(V):
    Q = []
    for v in V:
        w = v
        for q in Q:
            w = w - (q @ v) * q
        Q.append(w / np.linalg.norm(w))
    Qm = np.stack(Q)
    return np.sum(Qm * np.arange(Qm.size).reshape(Qm.shape))


def bisection_then_newton(c):
    lo = 0.0
    hi = 4.0
    while hi - lo > 0.5:
        mid = 0.5 * (lo + hi)
        if mid * mid > c:
            hi = mid
        else:
            lo = mid
    x = 0.5 * (lo + hi)
    for _ in range(8):
        x = x - (x * x - c) / (2.0 * x)
    return x


# ---- ODE time stepping -------------------------------------------------------------------------


def euler_forced_decay(y0, k, dt):
    y = y0
    t = 0.0
    for _ in range(100):
        y = y + dt * (-k * y + np.sin(t))
        t = t + dt
    return np.sum(y)


def pendulum_rhs(y, params):
    g_over_l, damping = params
    return np.stack([y[1], -g_over_l * np.sin(y[0]) - damping * y[1]])


def rk4_pendulum(y0, params, dt):
    y = y0
    for _ in range(40):
        k1 = pendulum_rhs(y, params)
        k2 = pendulum_rhs(y + 0.5 * dt * k1, params)
        k3 = pendulum_rhs(y + 0.5 * dt * k2, params)
        k4 = pendulum_rhs(y + dt * k3, params)
        y = y + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return y[0] + 0.1 * y[1] ** 2


def lotka_volterra_rhs(prey, pred, theta):
    a, b, c, d = theta[0], theta[1], theta[2], theta[3]
    return a * prey - b * prey * pred, c * prey * pred - d * pred


def lotka_volterra_euler(prey0, pred0, theta):
    prey = prey0
    pred = pred0
    dt = 0.02
    for _ in range(60):
        dprey, dpred = lotka_volterra_rhs(prey, pred, theta)
        prey, pred = prey + dt * dprey, pred + dt * dpred
    return prey + 2.0 * pred


def leapfrog_oscillator(q0, p0, k, dt):
    state = (q0, p0)
    for _ in range(60):
        q, p = state
        p_half = p - 0.5 * dt * k * q
        q = q + dt * p_half
        p = p_half - 0.5 * dt * k * q
        state = (q, p)
    q, p = state
    return np.sum(0.5 * p ** 2 + 0.5 * k * q ** 2 + q)


def heat_equation_slices(u0, alpha):
    u = u0.copy()
    for _ in range(30):
        lap = np.zeros_like(u)
        lap[1:-1] = u[2:] - 2.0 * u[1:-1] + u[:-2]
        u = u + alpha * lap
    return np.sum(u ** 2)


def heat_equation_inplace(u0, alpha):
    u = u0.copy()
    for _ in range(20):
        u[1:-1] += alpha * (u[2:] - 2.0 * u[1:-1] + u[:-2])
    return np.sum(u * np.linspace(0.0, 1.0, u.shape[0]))


def adaptive_euler_while(y0, rate):
    y = y0
    t = 0.0
    dt = 0.05
    while t < 1.0:
        y = y + dt * np.tanh(rate * y)
        t = t + dt
        dt = dt * 1.1
    return np.sum(y)


# ---- branches ----------------------------------------------------------------------------------


def piece(x):
    if x < -1.0:
        y = -2.0 * x - 1.0
    elif x < 1.0:
        y = x ** 2
    else:
        y = np.log(x) + 1.0
    return y


def piecewise_three_regions(a, b, c):
    return piece(a) + 2.0 * piece(b) + 3.0 * piece(c)


def piecewise_elementwise(x):
    total = 0.0
    for i in range(x.shape[0]):
        v = x[i]
        if v < -1.0:
            total = total + np.exp(v)
        elif v < 0.5:
            total = total + v ** 3
        elif v < 1.5:
            total = total + np.sin(v)
        else:
            total = total - v
    return total


def clip_by_branches(x, lo, hi):
    out = np.zeros_like(x)
    for i in range(x.shape[0]):
        v = x[i]
        if v > hi:
            out[i] = hi
        elif v < lo:
            out[i] = lo
        else:
            out[i] = v
    return np.sum(out * np.arange(1, x.shape[0] + 1))


def clip_conditional_expression(x, lo, hi):
    total = 0.0
    for v in x:
        c = hi if v > hi else (lo if v < lo else v)
        total = total + c ** 2
    return total


def huber_loss_loop(pred, target, delta):
    loss = 0.0
    for i in range(pred.shape[0]):
        r = pred[i] - target[i]
        if abs(r) <= delta:
            loss = loss + 0.5 * r ** 2
        else:
            loss = loss + delta * (abs(r) - 0.5 * delta)
    return loss / pred.shape[0]


def normalize_if_large(x, w):
    n2 = np.sum(x * x)
    if n2 > 1.0:
        x = x / np.sqrt(n2)
    return np.sum(w * x)


def branch_and_or(x, w, mode):
    s = np.sum(x * w)
    if s > 0.0 and mode == "square":
        y = s ** 2
    elif s < -1.0 or mode == "abs":
        y = -s
    else:
        y = np.sin(s)
    return y + np.sum(x)


def leaky_relu_continue(x, slope):
    out = x.copy()
    for i in range(x.shape[0]):
        if x[i] >= 0.0:
            continue
        out[i] = slope * x[i]
    return np.sum(out ** 2)


def nested_branches_in_loop(x, w):
    acc = 0.0
    for i in range(x.shape[0]):
        if x[i] > 0.0:
            if w[i] > 0.0:
                acc = acc + x[i] * w[i]
            else:
                acc = acc - x[i] ** 2
        else:
            acc = acc + np.exp(x[i]) * w[i]
    return acc


def parity_branch_loop(x, a):
    h = 1.0
    for i in range(x.shape[0]):
        if i % 2 == 0:
            h = h + a * x[i]
        else:
            h = h * np.cos(x[i])
    return h


def conditional_expression_scale(x, a, b):
    s = np.sum(x)
    y = a * x if s > 0 else b * x
    z = np.tanh(y) if np.max(y) < 2.0 else y / 2.0
    return np.sum(z ** 2)


def smooth_l1_default_beta(pred, target, beta=0.5):
    total = 0.0
    for p, t in zip(pred, target):  # noqa: B905
        d = abs(p - t)
        total = total + (0.5 * d * d / beta if d < beta else d - 0.5 * beta)
    return total


def branch_on_shape(x, W):
    if x.ndim == 1:
        y = W @ x
    else:
        y = x @ W.T
    if y.shape[0] > 2:
        y = y[:2]
    return np.sum(np.tanh(y))


# ---- indexing, scatter, masks ------------------------------------------------------------------


def gather_repeated_indices(x, idx, w):
    g = x[idx]
    return np.sum(w * g ** 2)


def scatter_add_loop(v, idx, w):
    out = np.zeros(5)
    for i in range(idx.shape[0]):
        out[idx[i]] += v[i] * w[i]
    return np.sum(out ** 2)


def scatter_fancy_aug_repeated(base, v, idx):
    out = base.copy()
    out[idx] += v
    return np.sum(out ** 2)


def scatter_fancy_assign(base, v, idx):
    out = base.copy()
    out[idx] = v * 2.0
    return np.sum(np.sin(out))


def embedding_lookup_mean(E, tokens, w):
    vecs = E[tokens]
    pooled = np.mean(vecs, axis=0)
    return np.tanh(pooled @ w)


def fancy_index_2d(W, rows, cols):
    picked = W[rows, cols]
    return np.sum(picked ** 2) + np.sum(W[rows] * 0.5)


def cross_entropy_fancy(logits, labels):
    m = np.max(logits, axis=1, keepdims=True)
    logp = logits - m - np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True))
    n = logits.shape[0]
    return -np.mean(logp[np.arange(n), labels])


def slice_update_steps(x, w):
    y = x.copy()
    y[1:4] = y[1:4] * w + 1.0
    y[::2] += 0.5 * w[0]
    return np.sum(np.sin(y))


def slice_reads_with_steps(x):
    evens = x[::2]
    odds = x[1::2]
    rev = x[::-1]
    return np.sum(evens * odds) + np.sum(rev[:3] * x[-3:]) + x[-1] * x[2]


def outer_by_broadcast(x, y):
    P = x[:, None] * y[None, :]
    return np.sum(np.tanh(P)) + np.sum(P[1:, ::2] ** 2)


def ellipsis_indexing(T):
    a = T[..., 0]
    b = T[..., 1]
    c = T[0, ...]
    return np.sum(a * b) + np.sum(c ** 2)


def boolean_mask_read(x, mask):
    selected = x[mask]
    return np.sum(selected ** 3) + np.sum(x[~mask])


def relu_by_mask_write(x, w):
    y = x * w
    y[y < 0.0] = 0.0
    return np.sum(y ** 2)


def mask_zero_input_mask(x, mask):
    y = x * 2.0
    y[mask] = 0.0
    return np.sum(y ** 2) + np.sum(x)


def column_writes(A, w):
    out = np.zeros_like(A)
    for j in range(A.shape[1]):
        out[:, j] = A[:, j] * w[j] + A[:, j - 1]
    return np.sum(out ** 2)


def row_writes_2d_index(A):
    out = np.zeros((A.shape[0], A.shape[1]))
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            out[i, j] = A[i, j] * A[A.shape[0] - 1 - i, j]
    return np.sum(out)


def diagonal_band(A):
    n = A.shape[0]
    total = 0.0
    for i in range(n):
        total = total + A[i, i] ** 2
        if i + 1 < n:
            total = total + A[i, i + 1] * A[i + 1, i]
    return total


def negative_index_window(x):
    acc = 0.0
    for k in range(1, 4):
        acc = acc + x[-k] * x[k - 1]
    return acc


def index_from_argmax(x, w):
    j = np.argmax(x)
    return x[j] * w[j] + np.sum(w)


# ---- loops computing things --------------------------------------------------------------------


def cumsum_loop(x):
    out = np.zeros_like(x)
    total = 0.0
    for i in range(x.shape[0]):
        total = total + x[i]
        out[i] = total
    return np.sum(out ** 2)


def cumsum_in_place(x):
    out = x.copy()
    for i in range(1, out.shape[0]):
        out[i] += out[i - 1]
    return np.sum(np.sin(out))


def cumulative_product_list(x):
    prods = []
    p = 1.0
    for v in x:
        p = p * v
        prods.append(p)
    return np.sum(np.stack(prods))


def conv1d_loops(x, w):
    n = x.shape[0]
    k = w.shape[0]
    out = np.zeros(n - k + 1)
    for i in range(n - k + 1):
        for j in range(k):
            out[i] += x[i + j] * w[j]
    return np.sum(np.tanh(out))


def conv1d_slices(x, w):
    n = x.shape[0]
    k = w.shape[0]
    out = np.zeros(n - k + 1)
    for j in range(k):
        out = out + w[j] * x[j:j + n - k + 1]
    return np.sum(out ** 2)


def conv2d_valid(img, kernel):
    kh, kw = kernel.shape
    oh = img.shape[0] - kh + 1
    ow = img.shape[1] - kw + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(img[i:i + kh, j:j + kw] * kernel)
    return np.sum(np.tanh(out))


def strided_conv1d(x, w, stride):
    k = w.shape[0]
    outs = []
    for start in range(0, x.shape[0] - k + 1, stride):
        outs.append(np.sum(x[start:start + k] * w))
    y = np.stack(outs)
    return np.sum(y ** 2)


def horner_reversed(coeffs, x):
    p = np.zeros_like(x)
    for c in reversed(coeffs):
        p = p * x + c
    return np.sum(p)


def horner_range_step(coeffs, x):
    p = coeffs[-1]
    for k in range(coeffs.shape[0] - 2, -1, -1):
        p = p * x + coeffs[k]
    return p


def chebyshev_series(coeffs, x):
    t_prev = np.ones_like(x)
    t_curr = x
    total = coeffs[0] * t_prev + coeffs[1] * t_curr
    for k in range(2, coeffs.shape[0]):
        t_prev, t_curr = t_curr, 2.0 * x * t_curr - t_prev
        total = total + coeffs[k] * t_curr
    return np.sum(total ** 2)


def continued_fraction(a, x):
    value = a[-1]
    for k in range(a.shape[0] - 2, -1, -1):
        value = a[k] + x / value
    return value


def polynomial_features(x, w):
    feats = []
    p = np.ones_like(x)
    for _ in range(w.shape[0]):
        feats.append(p)
        p = p * x
    F = np.stack(feats, axis=1)
    return np.mean((F @ w) ** 2)


def softmax_manual(z, y):
    m = z[0]
    for v in z:
        if v > m:
            m = v
    e = np.exp(z - m)
    s = 0.0
    for v in e:
        s = s + v
    p = e / s
    return -np.sum(y * np.log(p))


def logsumexp_manual(x, w):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m))) + np.sum(w * x)


def logsumexp_rows_loop(X):
    out = np.zeros(X.shape[0])
    for i in range(X.shape[0]):
        row = X[i]
        m = np.max(row)
        out[i] = m + np.log(np.sum(np.exp(row - m)))
    return np.sum(out)


def max_via_loop(x):
    best = x[0]
    for i in range(1, x.shape[0]):
        if x[i] > best:
            best = x[i]
    return best * 3.0 + np.sum(x ** 2) * 0.1


def argmax_tracking(x, w):
    best_i = 0
    best = x[0] * w[0]
    for i in range(1, x.shape[0]):
        v = x[i] * w[i]
        if v > best:
            best = v
            best_i = i
    return best + x[best_i]


def early_exit_break(x, a):
    h = x
    for _ in range(200):
        h = a * np.tanh(h)
        if np.sqrt(np.sum(h * h)) < 0.05:
            break
    return np.sum(h)


def while_true_break(x, rate):
    s = x
    steps = 0
    while True:
        s = s * rate + 0.1
        steps = steps + 1
        if np.sum(s) > 10.0 or steps >= 40:
            break
    return np.sum(s ** 2)


def continue_skip_negative(x, w):
    s = 0.0
    for i in range(x.shape[0]):
        if x[i] < 0.0:
            continue
        s = s + w[i] * x[i] ** 2
    return s


def return_inside_loop(x, w):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + w * x[i] ** 2
        if s > 3.0:
            return s * i
    return -s


def return_from_branch_in_helper(v, threshold):
    for i in range(v.shape[0]):
        if v[i] > threshold:
            return v[i] * 2.0
    return v[-1]


def first_above_threshold(x, w):
    a = return_from_branch_in_helper(x * w, 1.0)
    b = return_from_branch_in_helper(x - w, 5.0)
    return a + b


def grow_until_threshold(x, rate):
    s = np.sum(x * x)
    steps = 0
    while s < 10.0:
        x = x * rate
        s = np.sum(x * x)
        steps = steps + 1
    return s + np.sum(x)


def laplacian_2d_nested(u, c):
    n, m = u.shape
    lap = np.zeros_like(u)
    for i in range(1, n - 1):
        for j in range(1, m - 1):
            lap[i, j] = u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1] - 4.0 * u[i, j]
    return np.sum(c * lap ** 2)


def laplacian_2d_slices(u):
    lap = u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4.0 * u[1:-1, 1:-1]
    return 0.5 * np.sum(lap ** 2)


def manual_matmul(A, B):
    n, k = A.shape
    m = B.shape[1]
    C = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            s = 0.0
            for p in range(k):
                s = s + A[i, p] * B[p, j]
            C[i, j] = s
    return np.sum(np.sin(C))


def triangular_pair_loop(x):
    total = 0.0
    for i in range(x.shape[0]):
        for j in range(i + 1, x.shape[0]):
            total = total + np.exp(-(x[i] - x[j]) ** 2)
    return total


def pairwise_rbf_rows(X, gamma):
    n = X.shape[0]
    K = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            d = X[i] - X[j]
            K[i, j] = np.exp(-gamma * (d @ d))
    return np.sum(K)


def welford_running_stats(X):
    mean = np.zeros(X.shape[1])
    m2 = np.zeros(X.shape[1])
    count = 0
    for row in X:
        count = count + 1
        delta = row - mean
        mean = mean + delta / count
        m2 = m2 + delta * (row - mean)
    var = m2 / (count - 1)
    return np.sum(mean ** 2) + np.sum(var)


def exponential_moving_average(xs, beta):
    ema = xs[0]
    for x in xs[1:]:
        ema = beta * ema + (1.0 - beta) * x
    return np.sum(ema ** 2)


def ar_filter_in_array(x, a):
    y = np.zeros_like(x)
    y[0] = x[0]
    for t in range(1, x.shape[0]):
        y[t] = x[t] + a * y[t - 1]
    return np.sum(y ** 2)


def iir_biquad(x, b, a):
    y = np.zeros_like(x)
    for n in range(x.shape[0]):
        acc = b[0] * x[n]
        if n >= 1:
            acc = acc + b[1] * x[n - 1] - a[0] * y[n - 1]
        if n >= 2:
            acc = acc + b[2] * x[n - 2] - a[1] * y[n - 2]
        y[n] = acc
    return np.sum(y ** 2)


def trapezoid_integral(f_vals, dx):
    total = 0.0
    for i in range(f_vals.shape[0] - 1):
        total = total + 0.5 * dx * (f_vals[i] + f_vals[i + 1])
    return total


def linear_interp_search(xp, fp, x):
    i = 0
    while i < xp.shape[0] - 2 and xp[i + 1] < x:
        i = i + 1
    t = (x - xp[i]) / (xp[i + 1] - xp[i])
    return fp[i] * (1.0 - t) + fp[i + 1] * t


def hmm_forward_logspace(log_init, log_trans, log_emit, obs):
    alpha = log_init + log_emit[:, obs[0]]
    for t in range(1, obs.shape[0]):
        scores = alpha[:, None] + log_trans
        m = np.max(scores, axis=0)
        alpha = m + np.log(np.sum(np.exp(scores - m), axis=0)) + log_emit[:, obs[t]]
    m = np.max(alpha)
    return m + np.log(np.sum(np.exp(alpha - m)))


def soft_kmeans(X, centers, beta):
    C = centers
    for _ in range(5):
        d2 = np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2)
        logits = -beta * d2
        logits = logits - np.max(logits, axis=1, keepdims=True)
        r = np.exp(logits)
        r = r / np.sum(r, axis=1, keepdims=True)
        C = (r.T @ X) / np.sum(r, axis=0)[:, None]
    return np.sum(C ** 2)


def fibonacci_tuple_swap(a, b):
    x, y = a, b
    for _ in range(8):
        x, y = y, x + 0.5 * y
    return np.sum(x * y)


def parity_count_flags(x, w):
    positives = 0
    label = "none"
    found = False
    acc = np.zeros_like(w)
    for i in range(x.shape[0]):
        if x[i] > 0.0:
            positives = positives + 1
            found = True
            label = "pos"
        acc = acc + w * x[i]
    if found and label == "pos":
        acc = acc * positives
    return np.sum(acc ** 2)


def trip_count_from_data(x, w):
    n = int(np.sum(x > 0.0))
    h = w
    for _ in range(n):
        h = np.tanh(h * 1.5 + 0.1)
    return np.sum(h) + np.sum(x ** 2)


def loop_over_list_zip(arrays, weights):
    total = 0.0
    for a, w in zip(arrays, weights):  # noqa: B905
        total = total + np.sum(np.tanh(a) * w)
    return total


def loop_reversed_list(arrays, x):
    h = x
    for a in reversed(arrays):
        h = np.sin(a * h)
    return np.sum(h)


def loop_over_tuple_input(ws, x):
    h = x
    for i, w in enumerate(ws):
        h = h + (i + 1) * np.tanh(w @ h)
    return np.sum(h ** 2)


def nested_loop_break_inner(X, w):
    total = 0.0
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            if X[i, j] > 1.0:
                break
            total = total + w[j] * X[i, j]
    return total


def while_with_continue(x, w):
    i = 0
    s = 0.0
    while i < x.shape[0]:
        i = i + 1
        if i % 3 == 0:
            continue
        s = s + w * np.sin(x[i - 1])
    return s


# ---- models -----------------------------------------------------------------------------------


def mlp_tuple_params(params, x, y):
    W1, b1, W2, b2 = params
    h = np.tanh(x @ W1 + b1)
    out = h @ W2 + b2
    return mse(out, y)


def mlp_list_layers(layers, x):
    h = x
    for W, b in layers:
        h = np.tanh(h @ W + b)
    return np.mean(h ** 2)


def mlp_list_of_weights_index(weights, x):
    h = x
    for i in range(len(weights)):
        h = softplus(h @ weights[i])
    return np.sum(h)


def mlp_dict_params(params, x, y):
    h = np.tanh(x @ params["W1"] + params["b1"])
    out = h @ params["W2"] + params["b2"]
    return mse(out, y)


def logistic_regression_minibatches(w, b, X, y):
    loss = 0.0
    batch = 4
    for start in range(0, X.shape[0], batch):
        xb = X[start:start + batch]
        yb = y[start:start + batch]
        z = xb @ w + b
        loss = loss + np.sum(np.logaddexp(0.0, z) - yb * z)
    return loss / X.shape[0]


def attention_manual(Q, K, V):
    scores = Q @ K.T / np.sqrt(Q.shape[1])
    out = np.zeros((Q.shape[0], V.shape[1]))
    for i in range(Q.shape[0]):
        s = scores[i] - np.max(scores[i])
        p = np.exp(s) / np.sum(np.exp(s))
        out[i] = p @ V
    return np.sum(out ** 2)


def layernorm_manual(X, gamma, beta):
    mu = np.mean(X, axis=-1, keepdims=True)
    var = np.mean((X - mu) ** 2, axis=-1, keepdims=True)
    Y = (X - mu) / np.sqrt(var + 1e-5) * gamma + beta
    return np.sum(np.sin(Y))


def residual_stack_shape_loop(x, W):
    h = x
    for layer in range(W.shape[0]):
        h = h + np.tanh(W[layer] @ h)
    return np.sum(h ** 2)


def dropout_fixed_mask(x, W, keep):
    h = np.tanh(x @ W)
    h = h * keep / 0.8
    return np.sum(h ** 2)


# ---- helpers, methods, closures, defaults, keywords --------------------------------------------


def _affine(x, W, b):
    return W @ x + b


def _layer(x, W, b):
    return np.tanh(_affine(x, W, b))


def _block(x, W, b):
    return x + _layer(x, W, b)


def _net(x, W, b):
    return _block(_block(x, W, b), W, b)


def helper_chain(x, W, b):
    return np.sum(_net(x, W, b) ** 2)


def _penalty(v, power=2, scale=1.0):
    return scale * np.sum(np.abs(v) ** power)


def default_and_keyword_args(x, w):
    return _penalty(x) + _penalty(w, power=4) + _penalty(x * w, scale=0.5, power=3)


def ridge_default_lambda(w, X, y, lam=0.1):
    r = X @ w - y
    return r @ r + lam * (w @ w)


def _dense(x, W, b=None, activation="tanh"):
    z = x @ W
    if b is not None:
        z = z + b
    if activation == "tanh":
        return np.tanh(z)
    elif activation == "sigmoid":
        return sigmoid(z)
    return z


def keyword_dense_layers(x, W1, b1, W2):
    h = _dense(x, W1, b=b1, activation="sigmoid")
    h = _dense(h, W2, activation="tanh")
    out = _dense(h, W2.T, activation="linear")
    return np.sum(out ** 2)


def keywords_at_call(x, w, scale=1.0, shift=0.0):
    return np.sum(np.tanh(scale * x * w + shift))


def returns_tuple(x, w):
    return np.sum(x * w), np.sum(np.tanh(x)), x * 2.0


def _moments(v):
    mean = np.mean(v)
    centered = v - mean
    return mean, np.mean(centered ** 2)


def helper_returns_tuple(x, y):
    mx, vx = _moments(x)
    my, vy = _moments(y)
    return (mx - my) ** 2 + vx * vy


def _loop_helper(h, W, steps):
    for _ in range(steps):
        h = np.tanh(W @ h)
    return h


def helper_with_loop_in_loop(xs, W):
    total = 0.0
    for x in xs:
        total = total + np.sum(_loop_helper(x, W, 3))
    return total


class Scaler:
    def __init__(self, scale, shift):
        self.scale = scale
        self.shift = shift

    def apply(self, x):
        return self.scale * x + self.shift

    def loss(self, x, y):
        return np.sum((self.apply(x) - y) ** 2)


SCALER = Scaler(np.linspace(0.5, 1.5, 4), 0.25)
method_on_instance = SCALER.loss


class LayerStack:
    def __init__(self, weights):
        self.weights = weights

    def forward(self, x, gain):
        h = x
        for W in self.weights:
            h = np.tanh(gain * (W @ h))
        return np.sum(h ** 2)


LAYER_STACK = LayerStack((np.eye(3) * 0.9 + 0.1, np.ones((3, 3)) * 0.2 - np.eye(3) * 0.5))
method_unrolled_layers = LAYER_STACK.forward


def instance_passed_as_argument(model, x, y):
    return np.sum((model.apply(x) - y) ** 2)


def instance_built_inside(x, scale):
    s = Scaler(scale, 0.5)
    return np.sum(s.apply(x) ** 2)


def make_quadratic_loss(A, b):
    def loss(x):
        r = A @ x - b
        return 0.5 * (r @ r)

    return loss


closure_quadratic = make_quadratic_loss(
    np.array([[2.0, 0.5, 0.0], [0.5, 1.0, -0.3], [0.1, 0.0, 1.5], [1.0, 1.0, 1.0]]),
    np.array([1.0, -2.0, 0.5, 0.3]),
)


def make_recurrent_closure(W, steps):
    def run(x, gain):
        h = x
        for _ in range(steps):
            h = np.tanh(gain * (W @ h)) + x
        return np.sum(h)

    return run


closure_recurrent = make_recurrent_closure(
    np.array([[0.3, -0.2, 0.1], [0.0, 0.4, 0.2], [-0.3, 0.1, 0.2]]), 6
)


def array_constructor_from_scalars(a, b):
    v = np.array([a * b, a + b, np.sin(a)])
    return np.sum(v ** 2)


def np_add_at_scatter(v, idx):
    out = np.zeros(4)
    np.add.at(out, idx, v)
    return np.sum(out ** 2)


def list_append_of_rows_then_index(X):
    rows = []
    for i in range(X.shape[0]):
        rows.append(X[i] * (i + 1))
    return np.sum(rows[0] * rows[-1]) + np.sum(np.stack(rows)[1])


# ---- more loop, branch and write patterns ------------------------------------------------------


def activation_by_name(x, W):
    h = _dense(x, W, activation="sigmoid")
    return np.sum(h ** 2)


def early_return_elif(x, mode):
    if mode == 1:
        return np.sum(np.tanh(x))
    elif mode == 2:
        return np.sum(np.sin(x))
    return np.sum(x)


def overlapping_shift_write(x, a):
    y = x.copy()
    for _ in range(4):
        y[1:] = y[:-1] * a + y[1:] * (1.0 - a)
    return np.sum(y ** 2)


def self_referential_fancy_write(x, idx):
    y = x * 1.5
    y[idx] = y[idx] * 2.0 + 1.0
    return np.sum(y ** 2)


def two_d_slice_write(A, B):
    out = A.copy()
    out[1:3, ::2] = B * 3.0
    out[..., 0] = out[..., 0] * out[..., 1]
    return np.sum(np.sin(out))


def augmented_ops_on_slices(x, w):
    y = x.copy()
    y[:3] *= w
    y[2:] -= 0.5 * w[0]
    y[::2] /= 2.0 + w[1] ** 2
    y **= 2
    return np.sum(y)


def mask_clip_in_loop(x, t):
    y = x * 1.0
    for _ in range(3):
        y = y * 1.3
        y[y > t] = t
    return np.sum(y ** 2)


def first_iteration_init(xs, W):
    for t in range(xs.shape[0]):
        if t == 0:
            h = np.tanh(xs[t])
        else:
            h = np.tanh(W @ h + xs[t])
    return np.sum(h)


def none_initialised_state(xs, W):
    h = None
    for x in xs:
        if h is None:
            h = x
        else:
            h = np.tanh(W @ h) + x
    return np.sum(h ** 2)


def list_previous_state(xs, W):
    hs = [np.zeros(W.shape[0])]
    for t in range(xs.shape[0]):
        hs.append(np.tanh(W @ hs[-1] + xs[t]))
    return np.sum(hs[-1]) + np.sum(hs[2] ** 2)


def loop_variable_after_loop(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        s = s + x[i] * x[i + 1]
    return s + x[i] ** 3


def zero_trip_loop(x, w):
    h = x
    for _ in range(x.shape[0], 3):
        h = np.tanh(w * h)
    for _ in range(0):
        h = h * 100.0
    return np.sum(h * w)


def while_zero_trips(x):
    y = x * 2.0
    while np.sum(y) > 100.0:
        y = y * 0.5
    return np.sum(y ** 2)


def int_accumulator_start(x):
    total = 0
    count = 0
    for v in x:
        total += v * v
        count += 1
    return total / count


def range_len_list(arrays, w):
    acc = np.zeros_like(w)
    for i in range(len(arrays)):
        acc = acc + arrays[i] * w ** (i + 1)
    return np.sum(acc)


def enumerate_rows_write(A, w):
    out = np.zeros_like(A)
    for i, row in enumerate(A):
        out[i] = np.tanh(row * w) * (i + 1)
    return np.sum(out ** 2)


def zip_range_and_array(x, y):
    total = 0.0
    for i, v in zip(range(x.shape[0]), y):  # noqa: B905
        total = total + x[i] * v ** 2
    return total


def enumerate_zip_nested_target(x, y):
    total = 0.0
    for i, (a, b) in enumerate(zip(x, y)):  # noqa: B905
        total = total + (i + 1) * a * b
    return total


def iterate_columns_transpose(A, w):
    total = 0.0
    for col in A.T:
        total = total + np.sum(np.tanh(col * w))
    return total


def nested_subscript_read(A):
    total = 0.0
    for i in range(A.shape[0]):
        total = total + A[i][1] * A[i][0]
    return total


def break_in_while_in_for(X, w):
    total = 0.0
    for row in X:
        v = row
        k = 0
        while True:
            v = np.tanh(v * w)
            k = k + 1
            if np.max(np.abs(v)) < 0.2 or k >= 10:
                break
        total = total + np.sum(v)
    return total


def chained_comparison_not(x, lo, hi):
    out = 0.0
    for v in x:
        if lo < v < hi:
            out = out + v ** 2
        elif not v < hi:
            out = out + hi * v
        else:
            out = out + lo * v
    return out


def builtin_max_min(a, b, c):
    return max(a, b) * min(b, c) + abs(a - c)


def math_module_scalars(a, b):
    r = math.sqrt(a * a + b * b)
    return r + math.exp(-a) * math.cos(b)


def method_calls_on_arrays(X, w):
    z = X.dot(w)
    s = z.sum() + X.mean(axis=0).sum() + (X.T ** 2).max()
    return s + X.reshape(-1)[::3].prod()


def global_constant_array(x):
    return np.sum(np.tanh(BASIS @ x) ** 2)


BASIS = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, -0.5], [0.3, 0.3, 0.3]])


def returns_tuple_from_loop(x, w):
    acc = 0.0
    for i in range(x.shape[0]):
        acc = acc + w * x[i]
        if acc > 2.0:
            return acc, x[i] * 2.0
    return acc, -acc


def helper_with_while_in_loop(xs, c):
    total = 0.0
    for x in xs:
        total = total + _iterate_sqrt(x, c)
    return total


def _iterate_sqrt(a, c):
    x = np.ones_like(a)
    change = 1.0
    while change > 1e-12:
        new = 0.5 * (x + (a * a + c) / x)
        change = np.max(np.abs(new - x))
        x = new
    return np.sum(x)


def helper_defined_later(x, w):
    return np.sum(square_plus(x * w))


def square_plus(v):
    return v * v + v


def variable_defined_in_one_branch(x, w):
    s = np.sum(x)
    if s > 0.0:
        scale = w
    else:
        scale = -w
    return np.sum(scale * x ** 2)


def loop_carried_tuple_list(xs, W):
    states = (np.zeros(3), np.zeros(3))
    outputs = []
    for x in xs:
        a, b = states
        a = np.tanh(W @ a + x)
        b = b + a * x
        states = (a, b)
        outputs.append(a + b)
    return np.sum(np.stack(outputs) ** 2)


def dynamic_programming_softmin(D):
    n, m = D.shape
    R = np.full((n + 1, m + 1), 1e6)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            a = R[i - 1, j - 1]
            b = R[i - 1, j]
            c = R[i, j - 1]
            lo = min(a, b, c)
            soft = lo - np.log(np.exp(lo - a) + np.exp(lo - b) + np.exp(lo - c))
            R[i, j] = D[i - 1, j - 1] + soft
    return R[n, m]


def sort_free_topk_sum(x):
    y = x.copy()
    total = 0.0
    for _ in range(2):
        j = np.argmax(y)
        total = total + y[j]
        y[j] = -np.inf
    return total


lambda_program = lambda x, w: np.sum(np.tanh(x) * w) + np.sum(x ** 2)  # noqa: E731


# ---- nested loops with data-dependent exits, writes through aliases, misc --------------------


def nested_while_grid(x, c):
    i = 0
    s = 0.0
    while i < x.shape[0]:
        j = 0
        while j < 2:
            s = s + c * x[i] * (j + 1)
            j = j + 1
        i = i + 1
    return s * 1.0


def inner_while_outer_break(xs, c):
    total = 0.0
    for x in xs:
        k = 0
        while k < 3:
            total = total + c * x
            k = k + 1
        if total > 5.0:
            break
    return total * 1.0


def newton_return_inside_while_in_for(xs, c):
    for x in xs:
        y = x
        k = 0
        while k < 20:
            y = 0.5 * (y + c / y)
            k = k + 1
            if abs(y * y - c) < 1e-3:
                return y * x
    return c * 1.0


def newton_while_true_return(c):
    x = c
    while True:
        fx = x * x - c
        if abs(fx) < 1e-12:
            return x
        x = x - fx / (2.0 * x)


def return_in_nested_else(x):
    if x[0] > 5.0:
        y = x * 2.0
    else:
        if x[1] > 0.0:
            return np.sum(x ** 3)
        y = x
    return np.sum(y)


def write_then_read_view(x):
    y = np.zeros(4)
    head = y[:2]
    y[0] = x[0] * 3.0
    return np.sum(head * x[:2]) + np.sum(y)


def _fill_slot(out, i, v):
    out[i] = v


def helper_fills_caller_array(x):
    out = np.zeros(3)
    for i in range(3):
        _fill_slot(out, i, x[i] ** 2)
    return np.sum(out * np.arange(1, 4))


def ufunc_out_argument(x, w):
    y = np.empty_like(x)
    np.multiply(x, w, out=y)
    return np.sum(y ** 2)


def builtin_sum_of_list(x):
    parts = []
    for i in range(3):
        parts.append(x * (i + 1))
    return np.sum(sum(parts) ** 2)


def nested_helper_def(x):
    def sq(v):
        return v * v

    return np.sum(sq(x))


def list_comprehension_stack(x):
    return np.sum(np.stack([np.tanh(x * k) for k in range(1, 4)]))


def scalar_item(x):
    return x.sum().item() * 3.0 + np.sum(x ** 2)


def augmented_assign_through_alias(x):
    y = x.copy()
    z = y
    z *= 2.0
    return np.sum(y * x)


def alias_written_in_loop_read_next_iteration(x):
    y = x * 2.0
    v = y
    s = 0.0
    for _ in range(2):
        s = s + np.sum(y * y)
        v[0] = 1.0
    return s


def list_item_written_after_append(x):
    h = x * 1.0
    hs = []
    for _ in range(2):
        hs.append(h)
        h[0] = h[0] * 2.0
    return np.sum(hs[0] * x)


def reshaped_view_written(x):
    y = x * 1.0
    flat = np.reshape(y, (-1,))
    y[0] = 5.0
    return np.sum(flat * x)


def gaussian_elimination(A, b):
    A = A.copy()
    b = b.copy()
    n = b.shape[0]
    for k in range(n):
        for i in range(k + 1, n):
            f = A[i, k] / A[k, k]
            A[i, :] = A[i, :] - f * A[k, :]
            b[i] = b[i] - f * b[k]
    x = np.zeros(n)
    for i in range(n - 1, -1, -1):
        x[i] = (b[i] - A[i, i + 1:] @ x[i + 1:]) / A[i, i]
    return np.sum(x * np.arange(1, n + 1))


def pivot_row_swap(A, w):
    B = A.copy()
    B[[0, 2]] = B[[2, 0]]
    return np.sum(np.tanh(B @ w) * np.arange(1, 4))


def masked_augmented_update(x, v):
    y = x.copy()
    m = x > 0
    y[m] += v[m] * 2.0
    return np.sum(y ** 2)


def keyword_only_scale(x, w, *, scale=2.0):
    return np.sum(np.tanh(x * w) * scale)


def last_value_from_loop(x):
    for i in range(x.shape[0]):
        last = x[i] * 2.0 + x[i - 1]
    return last ** 2


def loop_in_branch_in_loop(x):
    s = 1.0
    for i in range(3):
        if i % 2 == 0:
            for v in x:
                s = s + v * i
        else:
            s = s * 1.5
    return s * 1.0


def while_on_list_length(x):
    hs = [x]
    while len(hs) < 4:
        hs.append(np.tanh(hs[-1] * 1.2))
    return np.sum(np.stack(hs) ** 2)


def append_only_in_branch(x):
    hs = []
    for i in range(x.shape[0]):
        if x[i] > 0:
            hs.append(x[i] ** 2)
    return np.sum(np.stack(hs))


def unused_branch_input(x, w):
    if np.sum(x) > 100.0:
        return np.sum(w * x)
    return np.sum(x ** 2)


class Activation:
    @staticmethod
    def apply(v):
        return np.tanh(v)

    def __call__(self, x):
        return np.sum(Activation.apply(x) ** 2)


ACTIVATION = Activation()


def staticmethod_and_callable_instance(x):
    return np.sum(Activation.apply(x)) + ACTIVATION(x * 2.0)


def ternary_in_loop(x, w):
    total = 0.0
    for i in range(x.shape[0]):
        total = total + (x[i] * w if x[i] > 0 else w ** 2)
    return total


def break_outer_after_inner(X, w):
    total = 0.0
    for row in X:
        for v in row:
            total = total + v * w
        if total > 1.0:
            break
    return total * 2.0


def rebind_loop_target(X):
    out = 0.0
    for x in X:
        x = x * 2.0
        out = out + np.sum(x ** 2)
    return out * 1.0


def negative_start_range(x):
    s = 0.0
    for i in range(-3, 0):
        s = s + x[i] * (i + 4)
    return s * 1.0


def loop_over_arange(x):
    s = 0.0
    for i in np.arange(x.shape[0]):
        s = s + x[i] ** 2 * i
    return s * 1.0


def loop_over_parameter_tuple(x, W1, W2):
    h = x
    for W in (W1, W2):
        h = np.tanh(W @ h)
    return np.sum(h)


def loop_over_constant_list(x):
    s = np.zeros_like(x)
    for c in [0.5, 1.0, 2.0]:
        s = s + np.sin(c * x)
    return np.sum(s)


def conditions_any_all(x):
    if np.any(x > 2.0):
        y = x * 2.0
    elif (x > -3.0).all():
        y = x ** 2
    else:
        y = x
    return np.sum(y)


def condition_method_call(x):
    if x.sum() > 0:
        return np.sum(x ** 3)
    return np.sum(x)


def two_loops_same_shape(x):
    h = x
    for _ in range(3):
        h = np.tanh(h * 1.5)
    g = x
    for _ in range(2):
        g = np.tanh(g * 1.5)
    return np.sum(h * g)


def single_trip_loop(x):
    for _ in range(1):
        x = np.sin(x)
    return np.sum(x)


def list_element_assignment(x):
    xs = [x, x * 2.0, x * 3.0]
    xs[1] = np.tanh(xs[1])
    return np.sum(xs[0] * xs[1] * xs[2])


def _swap_mix(a, b):
    return b * 0.9, np.tanh(a) + b


def tuple_helper_in_loop(x):
    a = x
    b = x * 0.5
    for _ in range(3):
        a, b = _swap_mix(a, b)
    return np.sum(a * b)


def float_and_astype(x):
    s = float(np.sum(x ** 2))
    return s * 2.0 + np.sum(x.astype(np.float64) ** 3)


def inplace_operators_on_name(x):
    y = x * 1.0
    y += 1.0
    y *= x
    y -= 0.5
    y /= 2.0
    return np.sum(y)


def zip_strict_pairs(x, y):
    total = 0.0
    for a, b in zip(x, y, strict=True):
        total = total + a * np.tanh(b)
    return total * 1.0
