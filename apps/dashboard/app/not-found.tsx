import Link from 'next/link';

export default function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        There is no such page. Back to the <Link href="/">overview</Link>.
      </p>
    </>
  );
}
