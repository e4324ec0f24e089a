/** The new-ticket chime: two short beeps from WebAudio, so the app ships no sound file. */
let context: AudioContext | null = null;

/**
 * Browsers start audio suspended until the page has had a gesture; the board calls `unlock` on
 * the first click or key press so later tickets can ring.
 */
export function unlockChime(): void {
  context ??= new AudioContext();
  if (context.state === "suspended") void context.resume();
}

export function chime(): void {
  try {
    context ??= new AudioContext();
    if (context.state === "suspended") void context.resume();
    const start = context.currentTime;
    for (const [offset, frequency] of [
      [0, 880],
      [0.22, 1320],
    ] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.2);
    }
  } catch {
    // No audio device (a headless browser, a locked-down kiosk): the highlight still shows.
  }
}
