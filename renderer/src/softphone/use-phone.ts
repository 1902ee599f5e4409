/** One phone per app window: it stays registered (and in a call) while the user visits other pages. */
import { useStore } from 'zustand';
import { Phone } from './phone/phone';
import type { PhoneState } from './phone/types';

let phone: Phone | null = null;

export function getPhone(): Phone {
  phone ??= new Phone();
  return phone;
}

export function usePhone<T>(selector: (s: PhoneState) => T): T {
  return useStore(getPhone().store, selector);
}
