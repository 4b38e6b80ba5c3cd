//! A tiny deterministic generator (splitmix64): every generated value is a pure function of the
//! catalogue seed, an entity kind, an index and a "field" tag, so nothing has to be stored.

/// One splitmix64 step: a good 64-bit mixer.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hash of a tuple of words.
pub fn mix(parts: &[u64]) -> u64 {
    parts.iter().fold(0x51A7_E5EE_D000_0001, |acc, p| {
        splitmix64(acc ^ p.wrapping_mul(0x2545_F491_4F6C_DD1D))
    })
}

/// A sequential stream seeded from a tuple (one stream per entity section).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(parts: &[u64]) -> Rng {
        Rng(mix(parts))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        splitmix64(self.0)
    }

    /// Uniform in `0..n` (`n` > 0; 0 gives 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// A number with `decimals` decimals in `0..max` (a float, e.g. 7.234).
    pub fn decimal(&mut self, max: u64, decimals: u32) -> f64 {
        let scale = 10u64.pow(decimals);
        self.below(max * scale) as f64 / scale as f64
    }

    /// A 24-hex-digit id like TMDb's credit, image, video and review ids.
    pub fn hex24(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!("{a:016x}{:08x}", b as u32)
    }

    /// An image path such as `/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg`.
    pub fn image_path(&mut self, ext: &str) -> String {
        const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let mut s = String::with_capacity(33);
        s.push('/');
        let mut v = self.next_u64();
        for k in 0..27 {
            if k == 10 || k == 20 {
                v = self.next_u64();
            }
            s.push(ALPHABET[(v % 62) as usize] as char);
            v /= 62;
        }
        s.push_str(ext);
        s
    }
}
