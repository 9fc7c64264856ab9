import type { ReservationWithLines } from "../data/reservations.ts";

export const StockReservation = {
  reservationKey: (reservation: ReservationWithLines) => reservation.key,
};
