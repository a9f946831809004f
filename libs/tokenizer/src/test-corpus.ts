// Test fixture shared by the test files; not part of the public API.

/** A reproducible pseudo-random corpus for tests (Park-Miller generator, no Math.random). */
export function syntheticCorpus(lines: number, seed = 7): string[] {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'ri', 'po', 'é', 'the', 'and', 'ing', 'qu'];
  const punctuation = ['.', ',', '!', '?', ';', '...', "'", ''];
  let state = seed;
  const next = (bound: number): number => {
    state = (state * 48271) % 2147483647;
    return state % bound;
  };
  return Array.from({ length: lines }, () => {
    const words = Array.from({ length: 3 + next(12) }, () => {
      const word = Array.from({ length: 1 + next(4) }, () => syllables[next(syllables.length)]).join('');
      return (next(5) === 0 ? word[0]?.toUpperCase() + word.slice(1) : word) + punctuation[next(punctuation.length)];
    });
    return words.join(next(3) === 0 ? '  ' : ' ');
  });
}
