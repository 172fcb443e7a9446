"""One small user function per numpy/scipy name HIPS autograd 1.9 differentiates.

The names come from the installed autograd package (``autograd/numpy/numpy_vjps.py``,
``numpy_wrapper.py``, ``linalg.py``, ``fft.py`` and ``autograd/scipy/**``). Each function takes
one float64 array ``x`` and returns a real scalar. The module is written against the module-level
names ``np``, ``special``, ``stats``, ``slinalg``, ``signal`` and ``integrate``:
``test_autograd_checklist.py`` loads it once as is (numpy and scipy) and once with those names
bound to autograd's wrappers, so both libraries differentiate the same source.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as slinalg
from scipy import integrate, signal, special, stats

# ---- helpers: a fixed nonlinear read-out so every output element gets its own weight ---------


def _readout(y):
    weights = np.cos(np.arange(y.size) + 0.5).reshape(y.shape)
    return np.sum(weights * np.sin(y))


def _readout_complex(z):
    return _readout(np.real(z)) + 0.7 * _readout(np.imag(z))


def _sym(x):
    a = x[:9].reshape(3, 3)
    return a + a.T


def _spd(x):
    a = x[:9].reshape(3, 3)
    return a @ a.T + 3.0 * np.eye(3)


# ---- elementwise, one argument -----------------------------------------------------------------


def f_negative(x):
    return _readout(np.negative(x))


def f_abs(x):
    return _readout(np.abs(x))


def f_absolute(x):
    return _readout(np.absolute(x))


def f_fabs(x):
    return _readout(np.fabs(x))


def f_reciprocal(x):
    return _readout(np.reciprocal(x))


def f_exp(x):
    return _readout(np.exp(x))


def f_exp2(x):
    return _readout(np.exp2(x))


def f_expm1(x):
    return _readout(np.expm1(x))


def f_log(x):
    return _readout(np.log(x))


def f_log2(x):
    return _readout(np.log2(x))


def f_log10(x):
    return _readout(np.log10(x))


def f_log1p(x):
    return _readout(np.log1p(x))


def f_sin(x):
    return _readout(np.sin(x))


def f_cos(x):
    return _readout(np.cos(x))


def f_tan(x):
    return _readout(np.tan(x))


def f_arcsin(x):
    return _readout(np.arcsin(x))


def f_arccos(x):
    return _readout(np.arccos(x))


def f_arctan(x):
    return _readout(np.arctan(x))


def f_sinh(x):
    return _readout(np.sinh(x))


def f_cosh(x):
    return _readout(np.cosh(x))


def f_tanh(x):
    return _readout(np.tanh(x))


def f_arcsinh(x):
    return _readout(np.arcsinh(x))


def f_arccosh(x):
    return _readout(np.arccosh(x + 1.5))


def f_arctanh(x):
    return _readout(np.arctanh(x))


def f_rad2deg(x):
    return _readout(0.01 * np.rad2deg(x))


def f_degrees(x):
    return _readout(0.01 * np.degrees(x))


def f_deg2rad(x):
    return _readout(np.deg2rad(30.0 * x))


def f_radians(x):
    return _readout(np.radians(30.0 * x))


def f_square(x):
    return _readout(np.square(x))


def f_sqrt(x):
    return _readout(np.sqrt(x))


def f_sinc(x):
    return _readout(np.sinc(x))


def f_nan_to_num(x):
    return _readout(np.nan_to_num(np.log(x - 0.5)))


def f_clip(x):
    return _readout(np.clip(x, 0.0, 1.0))


def f_sign_times(x):
    return _readout(np.sign(x) * x ** 2)


# ---- complex -----------------------------------------------------------------------------------


def f_real(x):
    return _readout(np.real(x * (1.0 + 2.0j)))


def f_imag(x):
    return _readout(np.imag(x * (1.0 - 2.0j) + x ** 2 * 1.0j))


def f_conj(x):
    z = x * (0.5 + 1.5j)
    return _readout(np.real(np.conj(z) * z) + np.imag(np.conj(z)))


def f_conjugate(x):
    z = x * (0.5 + 1.5j)
    return _readout(np.imag(np.conjugate(z) * (1.0 + 1.0j)))


def f_angle(x):
    return _readout(np.angle(x + 0.7j))


def f_real_if_close(x):
    return _readout(np.real_if_close(x + 0.0j))


def f_complex_abs(x):
    return _readout(np.abs(x * (1.0 + 1.0j) + 0.3j))


def f_complex_exp(x):
    return _readout_complex(np.exp(x * (0.3 + 1.0j)))


# ---- elementwise, two arguments ----------------------------------------------------------------


def f_add(x):
    return _readout(np.add(x, x[::-1] ** 2))


def f_subtract(x):
    return _readout(np.subtract(x ** 2, x[::-1]))


def f_multiply(x):
    return _readout(np.multiply(x, x[::-1]))


def f_divide(x):
    return _readout(np.divide(x, x[::-1] + 3.0))


def f_true_divide(x):
    return _readout(np.true_divide(x ** 2, x[::-1] + 3.0))


def f_power(x):
    return _readout(np.power(x, x[::-1]))


def f_maximum(x):
    return _readout(np.maximum(x, 0.9 - x[::-1]))


def f_minimum(x):
    return _readout(np.minimum(x, 0.9 - x[::-1]))


def f_fmax(x):
    return _readout(np.fmax(x, 0.9 - x[::-1]))


def f_fmin(x):
    return _readout(np.fmin(x, 0.9 - x[::-1]))


def f_logaddexp(x):
    return _readout(np.logaddexp(x, x[::-1] ** 2))


def f_logaddexp2(x):
    return _readout(np.logaddexp2(x, x[::-1] ** 2))


def f_arctan2(x):
    return _readout(np.arctan2(x, x[::-1] + 2.0))


def f_hypot(x):
    return _readout(np.hypot(x, x[::-1] + 2.0))


def f_remainder(x):
    return _readout(np.remainder(3.0 * x, 0.7) * x)


def f_mod(x):
    return _readout(np.mod(3.0 * x, 0.7) * x)


def f_where(x):
    return _readout(np.where(x > 0.6, x ** 2, np.sin(x)))


# ---- shapes and copies -------------------------------------------------------------------------


def f_reshape(x):
    return _readout(np.reshape(x, (3, 4)) @ np.arange(4.0))


def f_ravel(x):
    return _readout(np.ravel(x.reshape(3, 4).T) * np.arange(12.0))


def f_roll(x):
    return _readout(np.roll(x, 2) * x)


def f_array_split(x):
    a, b, c = np.array_split(x, 3)
    return _readout(a * b) + _readout(c ** 3)


def f_split(x):
    a, b = np.split(x, 2)
    return _readout(a * b ** 2)


def f_vsplit(x):
    a, b = np.vsplit(x.reshape(4, 3), 2)
    return _readout(a * b ** 2)


def f_hsplit(x):
    a, b = np.hsplit(x.reshape(3, 4), 2)
    return _readout(a * b ** 2)


def f_dsplit(x):
    a, b = np.dsplit(x.reshape(1, 3, 4), 2)
    return _readout(a * b ** 2)


def f_expand_dims(x):
    return _readout(np.expand_dims(x, 1) * x)


def f_squeeze(x):
    return _readout(np.squeeze(x.reshape(1, 12, 1)) * x)


def f_diag(x):
    return _readout(np.diag(x.reshape(3, 4), 1) ** 2) + _readout(np.diag(x[:3]))


def f_diagonal(x):
    return _readout(np.diagonal(x.reshape(3, 4), -1) ** 2)


def f_flipud(x):
    return _readout(np.flipud(x.reshape(4, 3)) * x.reshape(4, 3))


def f_fliplr(x):
    return _readout(np.fliplr(x.reshape(4, 3)) * x.reshape(4, 3))


def f_rot90(x):
    return _readout(np.rot90(x.reshape(3, 4)) @ x.reshape(3, 4))


def f_full(x):
    return _readout(np.full((2, 3), x[0]) * x[1:7].reshape(2, 3))


def f_triu(x):
    return _readout(np.triu(x.reshape(3, 4), 1) * x.reshape(3, 4))


def f_tril(x):
    return _readout(np.tril(x.reshape(3, 4), -1) + x.reshape(3, 4) ** 2)


def f_swapaxes(x):
    return _readout(np.swapaxes(x.reshape(2, 3, 2), 0, 2) ** 2)


def f_moveaxis(x):
    return _readout(np.moveaxis(x.reshape(2, 3, 2), 0, -1) ** 2)


def f_rollaxis(x):
    return _readout(np.rollaxis(x.reshape(2, 3, 2), 2) ** 2)


def f_transpose(x):
    return _readout(np.transpose(x.reshape(2, 3, 2), (1, 2, 0)) ** 2)


def f_broadcast_to(x):
    return _readout(np.broadcast_to(x[:4], (3, 4)) * x.reshape(3, 4))


def f_diff(x):
    return _readout(np.diff(x ** 2, n=2))


def f_gradient(x):
    return _readout(np.gradient(x ** 2))


def f_repeat(x):
    return _readout(np.repeat(x[:4], 3) * x)


def f_tile(x):
    return _readout(np.tile(x[:4], 3) * x)


def f_kron(x):
    return _readout(np.kron(x[:3], x[3:7].reshape(2, 2)))


def f_outer(x):
    return _readout(np.outer(x[:3], x[3:7]))


def f_cross(x):
    return _readout(np.cross(x[:3], x[3:6]))


def f_pad(x):
    return _readout(np.pad(x.reshape(3, 4), ((1, 0), (2, 1))) * np.arange(28.0).reshape(4, 7))


def f_linspace(x):
    return _readout(np.linspace(x[0], x[1], 5))


def f_atleast_1d(x):
    return _readout(np.atleast_1d(np.sum(x)) * x)


def f_atleast_2d(x):
    return _readout(np.atleast_2d(x) * x[:, None])


def f_atleast_3d(x):
    return _readout(np.atleast_3d(x.reshape(3, 4)) ** 2)


def f_astype(x):
    return _readout(x.astype(np.float64) ** 2)


def f_getitem(x):
    return _readout(x[2:7] ** 2) + _readout(x[np.array([0, 3, 3, 9])])


def f_trace(x):
    return _readout(np.trace(x.reshape(3, 4), 1) * x)


# ---- assembling arrays -------------------------------------------------------------------------


def f_array(x):
    return _readout(np.array([x[0] ** 2, x[1], np.sin(x[2])]))


def f_concatenate(x):
    return _readout(np.concatenate([x[:3] ** 2, x, np.sin(x[4:])]))


def f_stack(x):
    return _readout(np.stack([x, x ** 2], axis=1))


def f_hstack(x):
    return _readout(np.hstack([x ** 2, x[:2]]))


def f_vstack(x):
    return _readout(np.vstack([x, x ** 2]))


def f_column_stack(x):
    return _readout(np.column_stack([x, x ** 2]))


def f_row_stack(x):
    return _readout(np.vstack((x ** 2, x)))


def f_dstack(x):
    return _readout(np.dstack([x.reshape(3, 4), x.reshape(3, 4) ** 2]))


def f_append(x):
    return _readout(np.append(x ** 2, x[:3]))


def f_select(x):
    return _readout(np.select([x < 0.0, x > 1.0], [x ** 2, np.sin(x)], default=x))


# ---- reductions --------------------------------------------------------------------------------


def f_sum(x):
    return _readout(np.sum(x.reshape(3, 4) ** 2, axis=0))


def f_mean(x):
    return _readout(np.mean(x.reshape(3, 4) ** 2, axis=1, keepdims=True))


def f_prod(x):
    return _readout(np.prod(x.reshape(3, 4), axis=0))


def f_var(x):
    return _readout(np.var(x.reshape(3, 4), axis=1, ddof=1))


def f_std(x):
    return _readout(np.std(x.reshape(3, 4), axis=0))


def f_max(x):
    return _readout(np.max(x.reshape(3, 4), axis=1))


def f_min(x):
    return _readout(np.min(x.reshape(3, 4), axis=0))


def f_amax(x):
    return _readout(np.amax(x.reshape(3, 4), axis=0))


def f_amin(x):
    return _readout(np.amin(x.reshape(3, 4), axis=1))


def f_cumsum(x):
    return _readout(np.cumsum(x.reshape(3, 4), axis=1))


def f_sort(x):
    return _readout(np.sort(x) * np.arange(12.0))


def f_partition(x):
    return _readout(np.partition(x, 4)[:5] ** 2)


# ---- products ----------------------------------------------------------------------------------


def f_inner(x):
    return _readout(np.inner(x.reshape(3, 4), x.reshape(3, 4) ** 2))


def f_matmul(x):
    return _readout(np.matmul(x.reshape(3, 4), x.reshape(4, 3)))


def f_dot(x):
    return _readout(np.dot(x.reshape(3, 4), x[:4] ** 2))


def f_tensordot(x):
    a = x.reshape(2, 3, 2)
    return _readout(np.tensordot(a, a ** 2, axes=([0, 2], [0, 2])))


def f_einsum(x):
    a = x.reshape(3, 4)
    return _readout(np.einsum("ij,kj->ik", a, a ** 2))


def f_einsum_trace(x):
    a = x[:9].reshape(3, 3)
    return _readout(np.einsum("ii->", a) * np.einsum("ij,jk,ki", a, a, a))


# ---- numpy.linalg ------------------------------------------------------------------------------


def f_det(x):
    return np.linalg.det(x[:9].reshape(3, 3))


def f_slogdet(x):
    sign, logdet = np.linalg.slogdet(_spd(x))
    return sign * logdet


def f_inv(x):
    return _readout(np.linalg.inv(_spd(x)))


def f_pinv(x):
    return _readout(np.linalg.pinv(x.reshape(3, 4)))


def f_solve(x):
    return _readout(np.linalg.solve(_spd(x), x[:3] ** 2))


def f_norm_fro(x):
    return np.linalg.norm(x[:9].reshape(3, 3))


def f_norm_vector(x):
    return np.linalg.norm(x, 3) + np.linalg.norm(x, 1)


def f_norm_axis(x):
    return _readout(np.linalg.norm(x[:9].reshape(3, 3), axis=1))


def f_norm_nuc(x):
    return np.linalg.norm(x[:9].reshape(3, 3), "nuc")


def f_eigh(x):
    w, v = np.linalg.eigh(_sym(x))
    return _readout(w) + _readout(v[:, 0] ** 2)


def f_eig(x):
    w, _ = np.linalg.eig(_spd(x))
    return _readout(np.real(w))


def f_cholesky(x):
    return _readout(np.linalg.cholesky(_spd(x)))


def f_svd(x):
    u, s, vt = np.linalg.svd(x[:9].reshape(3, 3), full_matrices=False)
    return _readout(s) + _readout((u[:, 0] * vt[0, 1]) ** 2)


def f_svd_values(x):
    return _readout(np.linalg.svd(x[:9].reshape(3, 3), compute_uv=False))


# ---- numpy.fft ---------------------------------------------------------------------------------


def f_fft(x):
    return _readout_complex(np.fft.fft(x))


def f_ifft(x):
    return _readout_complex(np.fft.ifft(x * (1.0 + 0.5j)))


def f_fft2(x):
    return _readout_complex(np.fft.fft2(x.reshape(3, 4)))


def f_ifft2(x):
    return _readout_complex(np.fft.ifft2(x.reshape(3, 4)))


def f_fftn(x):
    return _readout_complex(np.fft.fftn(x.reshape(2, 3, 2)))


def f_ifftn(x):
    return _readout_complex(np.fft.ifftn(x.reshape(2, 3, 2)))


def f_rfft(x):
    return _readout_complex(np.fft.rfft(x))


def f_irfft(x):
    return _readout(np.fft.irfft(x[:5] + 1.0j * x[5:10], 8))


def f_rfft2(x):
    return _readout_complex(np.fft.rfft2(x.reshape(3, 4)))


def f_irfft2(x):
    z = x[:6].reshape(2, 3) + 1.0j * x[6:].reshape(2, 3)
    return _readout(np.fft.irfft2(z, (2, 4)))


def f_rfftn(x):
    return _readout_complex(np.fft.rfftn(x.reshape(2, 3, 2)))


def f_irfftn(x):
    z = x[:6].reshape(2, 3) + 1.0j * x[6:].reshape(2, 3)
    return _readout(np.fft.irfftn(z, (2, 4), axes=(0, 1)))


def f_fftshift(x):
    return _readout(np.fft.fftshift(x) * x)


def f_ifftshift(x):
    return _readout(np.fft.ifftshift(x.reshape(3, 4)) * x.reshape(3, 4))


# ---- scipy.special -----------------------------------------------------------------------------


def f_beta(x):
    return _readout(special.beta(x, x[::-1] + 0.5))


def f_betaln(x):
    return _readout(special.betaln(x, x[::-1] + 0.5))


def f_betainc(x):
    return _readout(special.betainc(1.5, 2.5, x / 3.0))


def f_polygamma(x):
    return _readout(special.polygamma(1, x))


def f_psi(x):
    return _readout(special.psi(x))


def f_digamma(x):
    return _readout(special.digamma(x))


def f_gamma(x):
    return _readout(special.gamma(x))


def f_gammaln(x):
    return _readout(special.gammaln(x))


def f_gammainc(x):
    return _readout(special.gammainc(1.7, x))


def f_gammaincc(x):
    return _readout(special.gammaincc(1.7, x))


def f_gammasgn(x):
    return _readout(special.gammasgn(x) * x)


def f_rgamma(x):
    return _readout(special.rgamma(x))


def f_multigammaln(x):
    return special.multigammaln(x[0] + 2.0, 3) + special.multigammaln(x[1] + 1.5, 2)


def f_j0(x):
    return _readout(special.j0(x))


def f_j1(x):
    return _readout(special.j1(x))


def f_jn(x):
    return _readout(special.jn(2, x))


def f_y0(x):
    return _readout(special.y0(x))


def f_y1(x):
    return _readout(special.y1(x))


def f_yn(x):
    return _readout(special.yn(2, x))


def f_i0(x):
    return _readout(special.i0(x))


def f_i1(x):
    return _readout(special.i1(x))


def f_iv(x):
    return _readout(special.iv(2, x))


def f_ive(x):
    return _readout(special.ive(2, x))


def f_erf(x):
    return _readout(special.erf(x))


def f_erfc(x):
    return _readout(special.erfc(x))


def f_erfinv(x):
    return _readout(special.erfinv(x / 3.0))


def f_erfcinv(x):
    return _readout(special.erfcinv(x / 3.0))


def f_logit(x):
    return _readout(special.logit(x / 3.0))


def f_expit(x):
    return _readout(special.expit(x))


def f_logsumexp(x):
    return special.logsumexp(x) + _readout(special.logsumexp(x.reshape(3, 4), axis=1))


def f_logsumexp_b(x):
    return special.logsumexp(x, b=np.linspace(0.5, 2.0, x.size))


# ---- scipy.stats -------------------------------------------------------------------------------


def f_norm_logpdf(x):
    return _readout(stats.norm.logpdf(x, 0.3, 1.7))


def f_norm_logpdf_params(x):
    return np.sum(stats.norm.logpdf(np.linspace(-1.0, 1.0, 5), x[0], x[1] + 1.0))


def f_norm_pdf(x):
    return _readout(stats.norm.pdf(x, x[0], 1.2))


def f_norm_cdf(x):
    return _readout(stats.norm.cdf(x, 0.2, x[1] + 1.0))


def f_norm_logcdf(x):
    return _readout(stats.norm.logcdf(x, 0.2, 1.5))


def f_norm_sf(x):
    return _readout(stats.norm.sf(x, 0.1, 0.8))


def f_norm_logsf(x):
    return _readout(stats.norm.logsf(x, 0.1, 0.8))


def f_t_logpdf(x):
    return _readout(stats.t.logpdf(x, 3.5, 0.2, 1.3))


def f_t_logpdf_params(x):
    return np.sum(stats.t.logpdf(np.linspace(-1.0, 1.0, 5), x[0] + 2.0, x[1], x[2] + 1.0))


def f_t_pdf(x):
    return _readout(stats.t.pdf(x, 4.0, 0.2, 1.3))


def f_t_cdf(x):
    return _readout(stats.t.cdf(x, 3.0, x[0], 1.1))


def f_t_logcdf(x):
    return _readout(stats.t.logcdf(x, 3.0))


def f_gamma_logpdf(x):
    return _readout(stats.gamma.logpdf(x, x[::-1] + 1.0))


def f_gamma_pdf(x):
    return _readout(stats.gamma.pdf(x, 2.5))


def f_gamma_cdf(x):
    return _readout(stats.gamma.cdf(x, 2.5))


def f_beta_logpdf(x):
    return _readout(stats.beta.logpdf(x / 3.0, x[::-1] + 1.0, 1.5))


def f_beta_pdf(x):
    return _readout(stats.beta.pdf(x / 3.0, 2.0, 1.5))


def f_beta_cdf(x):
    return _readout(stats.beta.cdf(x / 3.0, 2.0, 1.5))


def f_chi2_logpdf(x):
    return _readout(stats.chi2.logpdf(x, 3.0))


def f_chi2_pdf(x):
    return _readout(stats.chi2.pdf(x, 3.0))


def f_chi2_cdf(x):
    return _readout(stats.chi2.cdf(x, 3.0))


def f_poisson_logpmf(x):
    return _readout(stats.poisson.logpmf(np.array([0.0, 1.0, 3.0, 2.0]), x[:4]))


def f_poisson_pmf(x):
    return _readout(stats.poisson.pmf(np.array([0.0, 1.0, 3.0, 2.0]), x[:4]))


def f_poisson_cdf(x):
    return _readout(stats.poisson.cdf(np.array([0.0, 1.0, 3.0, 2.0]), x[:4]))


def f_dirichlet_logpdf(x):
    p = np.array([0.2, 0.3, 0.5])
    return stats.dirichlet.logpdf(p, x[:3] + 0.5)


def f_dirichlet_pdf(x):
    p = x[:3] / np.sum(x[:3])
    return stats.dirichlet.pdf(p, np.array([1.5, 2.0, 3.0]))


def f_multivariate_normal_logpdf(x):
    return stats.multivariate_normal.logpdf(x[:3], x[3:6], _spd(x[:9]))


def f_multivariate_normal_pdf(x):
    return stats.multivariate_normal.pdf(x[:3], np.zeros(3), _spd(x[:9]))


def f_multivariate_normal_entropy(x):
    return stats.multivariate_normal.entropy(np.zeros(3), _spd(x[:9]))


# ---- scipy.linalg, scipy.signal, scipy.integrate -----------------------------------------------


def f_sqrtm(x):
    return _readout(np.real(slinalg.sqrtm(_spd(x))))


def f_solve_triangular(x):
    lower = np.tril(x[:9].reshape(3, 3)) + 3.0 * np.eye(3)
    return _readout(slinalg.solve_triangular(lower, x[3:6] ** 2, lower=True))


def f_solve_triangular_trans(x):
    upper = np.triu(x[:9].reshape(3, 3)) + 3.0 * np.eye(3)
    return _readout(slinalg.solve_triangular(upper, x[3:6], trans=1))


def f_solve_banded(x):
    bands = np.vstack([x[:3] * np.array([0.0, 1.0, 1.0]), x[3:6] + 3.0,
                       x[6:9] * np.array([1.0, 1.0, 0.0])])
    return _readout(slinalg.solve_banded((1, 1), bands, x[:3] ** 2))


def f_solve_sylvester(x):
    a = _spd(x[:9])
    b = _spd(x[3:12])
    return _readout(slinalg.solve_sylvester(a, b, x[:9].reshape(3, 3)))


def f_convolve(x):
    return _readout(signal.convolve(x[:6], x[6:9] ** 2, mode="full"))


def f_convolve_valid(x):
    return _readout(signal.convolve(x.reshape(3, 4), x[:4].reshape(2, 2), mode="valid"))


def _decay(y, t, rate):
    return -rate * y + np.sin(t)


def f_odeint(x):
    path = integrate.odeint(_decay, x[:2], np.array([0.0, 0.5, 1.0]), args=(x[2] + 1.0,))
    return _readout(path)
