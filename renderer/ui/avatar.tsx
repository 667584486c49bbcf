// A round avatar: the image when there is one, else the initials of the name.
export function initialsOf(name: string): string {
  const words = name
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const letters = words.length > 1 ? [words[0], words.at(-1)] : [words[0]];
  return letters
    .map((word) => word?.[0] ?? '')
    .join('')
    .toUpperCase()
    .slice(0, 2);
}

export function Avatar({
  name,
  url,
  size = 'md',
}: {
  readonly name: string;
  readonly url?: string | undefined;
  readonly size?: 'sm' | 'md' | 'lg';
}) {
  return (
    <span className={`ui-avatar ui-avatar--${size}`}>
      {url !== undefined ? (
        <img src={url} alt="" />
      ) : (
        <span aria-hidden="true">{initialsOf(name) || '?'}</span>
      )}
    </span>
  );
}
