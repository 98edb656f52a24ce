import { useState } from 'react';
import './App.css';

export default function App() {
  const [count, setCount] = useState(0);

  return (
    <main className="app">
      <h1>React + Vite</h1>
      <p>
        Edit <code>src/App.tsx</code> and save: the page updates in place, keeping its state.
      </p>
      <button type="button" onClick={() => setCount((n) => n + 1)}>
        Clicked {count} {count === 1 ? 'time' : 'times'}
      </button>
    </main>
  );
}
