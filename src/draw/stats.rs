//! The statistics of fairness over many draws (issue 18), pure and written down here so a
//! reviewer can check them without a statistics library:
//!
//! - [`chi2_sf`]: the chi-square upper tail `P(X² ≥ x)` with `df` degrees of freedom, through
//!   the regularized upper incomplete gamma function `Q(df/2, x/2)` ([`gamma_q`]: the series
//!   for `x < a + 1`, Lentz's continued fraction otherwise, as in Numerical Recipes §6.2);
//! - [`poisson_binomial`]: the exact distribution of a count of independent visits with
//!   probabilities `p₁ … pₘ` (one per draw a target was in the pool of), so a target's tail
//!   probabilities ([`tail_at_least`]) need no normal approximation.

/// `ln Γ(x)` for `x > 0` (Lanczos, g = 7, nine coefficients; relative error below 1e-13).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularized upper incomplete gamma function `Q(a, x) = Γ(a, x) / Γ(a)`, `a > 0`,
/// `x ≥ 0`. Outside that domain (or NaN) it is 1: "no evidence".
pub fn gamma_q(a: f64, x: f64) -> f64 {
    if a.is_nan() || x.is_nan() || a <= 0.0 || x <= 0.0 {
        return 1.0;
    }
    const EPS: f64 = 1e-15;
    const MAX_ITER: usize = 10_000;
    let ln_front = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        // P(a, x) by its series: e^{−x} x^a / Γ(a+1) · Σ xⁿ / ((a+1)…(a+n)).
        let mut term = 1.0 / a;
        let mut sum = term;
        let mut ap = a;
        for _ in 0..MAX_ITER {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * EPS {
                break;
            }
        }
        (1.0 - sum * ln_front.exp()).clamp(0.0, 1.0)
    } else {
        // Q(a, x) by its continued fraction (modified Lentz).
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..MAX_ITER {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < EPS {
                break;
            }
        }
        (ln_front.exp() * h).clamp(0.0, 1.0)
    }
}

/// `P(X² ≥ x)` for a chi-square variable with `df` degrees of freedom; 1 when `df == 0`.
pub fn chi2_sf(x: f64, df: usize) -> f64 {
    if df == 0 {
        return 1.0;
    }
    gamma_q(df as f64 / 2.0, x / 2.0)
}

/// The distribution of the number of successes of independent trials with probabilities
/// `ps` (each clamped to 0..=1): element `k` is `P(X = k)`, `k = 0..=ps.len()`.
pub fn poisson_binomial(ps: &[f64]) -> Vec<f64> {
    let mut dist = vec![0.0; ps.len() + 1];
    dist[0] = 1.0;
    for (n, &p) in ps.iter().enumerate() {
        let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        for k in (0..=n + 1).rev() {
            let stay = dist[k] * (1.0 - p);
            let came = if k > 0 { dist[k - 1] * p } else { 0.0 };
            dist[k] = stay + came;
        }
    }
    dist
}

/// `P(X ≥ k)` of a distribution from [`poisson_binomial`].
pub fn tail_at_least(dist: &[f64], k: usize) -> f64 {
    dist.iter().skip(k).sum::<f64>().clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    #[test]
    fn ln_gamma_matches_factorials_and_the_half() {
        for (n, fact) in [(1u32, 1.0f64), (2, 1.0), (5, 24.0), (11, 3_628_800.0)] {
            close(ln_gamma(f64::from(n)), fact.ln(), 1e-12);
        }
        // Γ(1/2) = √π.
        close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-12);
        // Γ(0.1) = 9.513507698668732.
        close(ln_gamma(0.1), 9.513_507_698_668_732f64.ln(), 1e-12);
    }

    /// Known quantiles of the chi-square table: the 95% and 99% points.
    #[test]
    fn chi2_sf_at_table_quantiles() {
        close(chi2_sf(3.841_458_820_694_124, 1), 0.05, 1e-10);
        close(chi2_sf(6.634_896_601_021_214, 1), 0.01, 1e-10);
        close(chi2_sf(5.991_464_547_107_979, 2), 0.05, 1e-10);
        close(chi2_sf(18.307_038_053_275_146, 10), 0.05, 1e-10);
        close(chi2_sf(124.342_113_404_047_7, 100), 0.05, 1e-9);
        close(chi2_sf(0.454_936_423_119_572_7, 1), 0.5, 1e-10);
    }

    /// For even df the tail has a closed form: e^{−x/2} Σ_{j<m} (x/2)^j / j!, df = 2m.
    #[test]
    fn chi2_sf_matches_the_closed_form_for_even_df() {
        for m in 1..=30usize {
            for x in [0.1, 1.0, 2.0, 7.5, 20.0, 60.0, 150.0] {
                let h: f64 = x / 2.0;
                let mut term = 1.0;
                let mut sum = 0.0;
                for j in 0..m {
                    if j > 0 {
                        term *= h / j as f64;
                    }
                    sum += term;
                }
                close(chi2_sf(x, 2 * m), (-h).exp() * sum, 1e-12);
            }
        }
    }

    #[test]
    fn chi2_sf_edges() {
        assert_eq!(chi2_sf(0.0, 3), 1.0);
        assert_eq!(chi2_sf(5.0, 0), 1.0);
        assert_eq!(chi2_sf(f64::NAN, 3), 1.0);
        assert!(chi2_sf(1e6, 3) < 1e-300 + f64::EPSILON);
        // Monotone in x.
        let mut last = 1.0;
        for i in 0..200 {
            let v = chi2_sf(f64::from(i) * 0.5, 7);
            assert!(v <= last + 1e-15);
            last = v;
        }
    }

    #[test]
    fn poisson_binomial_by_hand() {
        // Two draws at 1/2 and one at 1/4: P(0) = 1/2·1/2·3/4 = 3/16.
        let d = poisson_binomial(&[0.5, 0.5, 0.25]);
        close(d[0], 3.0 / 16.0, 1e-15);
        // P(3) = 1/2·1/2·1/4 = 1/16; P(1) = 2·(1/4·3/4) + 1/4·1/4 = 7/16; P(2) = 5/16.
        close(d[3], 1.0 / 16.0, 1e-15);
        close(d[1], 7.0 / 16.0, 1e-15);
        close(d[2], 5.0 / 16.0, 1e-15);
        close(tail_at_least(&d, 2), 6.0 / 16.0, 1e-15);
        close(tail_at_least(&d, 0), 1.0, 1e-15);
        assert_eq!(tail_at_least(&d, 9), 0.0);
        // A certain visit (a 100% row) moves the whole distribution by one.
        let d = poisson_binomial(&[1.0, 0.5]);
        assert_eq!(d, vec![0.0, 0.5, 0.5]);
        assert_eq!(poisson_binomial(&[]), vec![1.0]);
    }
}
