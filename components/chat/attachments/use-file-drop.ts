'use client';

import { useEffect, useEffectEvent, useState, type RefObject } from 'react';

/**
 * Files dragged over the chat around `anchor` (its <section>): returns the area to cover with a drop zone while a
 * drag carrying files is over it, and hands dropped files to `onFiles`. Small on purpose: it ships with the chat
 * page; the uploading itself loads on first use.
 */
export function useFileDrop(anchor: RefObject<HTMLElement | null>, onFiles: (files: FileList) => void): DOMRect | null {
  const [area, setArea] = useState<DOMRect | null>(null);
  const handFiles = useEffectEvent(onFiles);
  useEffect(() => {
    const zone = anchor.current?.closest('section');
    if (!zone) return;
    // Enter and leave fire for every child crossed: count them, the drag is gone when the count is back at 0.
    let depth = 0;
    const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const enter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth++;
      setArea(zone.getBoundingClientRect());
    };
    const over = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault(); // allows the drop (and keeps the browser from opening the file instead)
      event.dataTransfer!.dropEffect = 'copy';
    };
    const leave = (event: DragEvent) => {
      if (carriesFiles(event) && --depth <= 0) setArea(null);
    };
    const drop = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setArea(null);
      if (event.dataTransfer?.files.length) handFiles(event.dataTransfer.files);
    };
    const listeners = { dragenter: enter, dragover: over, dragleave: leave, drop } as const;
    for (const [type, listener] of Object.entries(listeners)) zone.addEventListener(type, listener as EventListener);
    return () => {
      for (const [type, listener] of Object.entries(listeners)) zone.removeEventListener(type, listener as EventListener);
    };
  }, [anchor]);
  return area;
}
