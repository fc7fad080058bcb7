import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { initApp } from '../state/actions';
import { initHabits } from '../state/habitsActions';
import { registerOffline } from '../state/offline';
import './app.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void initApp();
void initHabits();
void registerOffline();
