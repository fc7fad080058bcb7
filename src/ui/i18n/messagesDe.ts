/**
 * German for the sentences the core, the worker and the state layer send as Messages (their
 * English is in src/core/gate/texts.ts, src/worker/messageProtocol.ts, src/state/texts.ts): exactly their
 * keys (the type enforces it) with the same placeholders (test/i18n.test.ts).
 */
import type { GateMessageKey } from '../../core/gate/texts';
import type { StateMessageKey, WorkerMessageKey } from '../../state/texts';
import type { NiftiMessageKey } from '../../core/nifti/texts';

export type SentMessageKey = GateMessageKey | NiftiMessageKey | WorkerMessageKey | StateMessageKey;

export const messagesDe: Record<SentMessageKey, string> = {
  'gate.fourD':
    'Dies ist eine 4D-Serie aus {volumes} Volumen (ein fMRT- oder Diffusionsscan?), die {coverage} % des Gehirns abdeckt; das Modell braucht eine einzelne CAT12-Karte der grauen Substanz (mwp1) aus einem T1-Scan.',
  'gate.rawT1':
    'Dies ist ein T1-Scan des ganzen Kopfes, keine Karte der grauen Substanz; segmentieren Sie ihn mit CAT12 und laden Sie die modulierte Karte der grauen Substanz (mwp1).',
  'gate.rawT1Preprocess': 'Dies ist ein T1-Scan des ganzen Kopfes: Er wird hier zuerst segmentiert, mit einer Näherung an CAT12 (nicht CAT12 selbst).',
  'gate.brainT1':
    'Dies ist ein T1-Scan ohne Schädel, keine Karte der grauen Substanz; laden Sie die CAT12-Karte der grauen Substanz (mwp1) des ursprünglichen T1.',
  'gate.partial':
    'Dieses Bild deckt nur {coverage} % des Gehirns ab; das Modell braucht eine CAT12-Karte der grauen Substanz (mwp1) des ganzen Gehirns im MNI-Raum.',
  'gate.notMni':
    'Dieses Bild überlappt nicht mit dem MNI-Gehirn (sein erster Voxel liegt bei {x}, {y}, {z} mm); laden Sie eine in den MNI-Raum normalisierte CAT12-Karte der grauen Substanz (mwp1).',
  'gate.empty': 'Dieses Bild ist leer (jeder Voxel ist null oder keine Zahl); laden Sie eine CAT12-Karte der grauen Substanz (mwp1).',
  'gate.singular':
    'Die Voxel-zu-Welt-Matrix dieses Bildes ist singulär, seine Lage im Raum also unbekannt; laden Sie eine CAT12-Karte der grauen Substanz (mwp1) mit gültiger Orientierung.',
  'gate.intensity':
    'Dies ist ein Intensitätsbild (Werte bis {p995}) ohne den Kontrast eines T1 oder einer Karte der grauen Substanz; laden Sie eine CAT12-Karte der grauen Substanz (mwp1).',
  'gate.notAligned':
    'Nur {inside} % des Signals dieses Bildes liegen im MNI-Gehirn, es ist also nicht am MNI-Raum ausgerichtet; laden Sie eine CAT12-Karte der grauen Substanz (mwp1).',
  'gate.doubtOutside':
    '{outside} % des Signals liegen außerhalb des MNI-Gehirns (Schädel nicht entfernt oder schlecht normalisiert?); das Ergebnis bedeutet daher womöglich nicht, was es sagt.',
  'gate.doubtCoverage':
    'Das Bild deckt {coverage} % des Gehirns ab; das Modell liest den fehlenden Teil als leere graue Substanz, das Ergebnis bedeutet daher womöglich nicht, was es sagt.',
  'gate.doubtFourD':
    'Diese Datei enthält {volumes} Volumen, analysiert wurde nur das erste (ein 4D-Stapel von Karten der grauen Substanz?); laden Sie die Karte jeder Person einzeln.',
  'gate.doubtContrast':
    'Die tiefe weiße Substanz erreicht {wm} % der hohen Werte des Bildes, mehr als in einer Karte der grauen Substanz; prüfen Sie, ob dies eine CAT12-mwp1-Karte ist.',

  'nifti.notNifti':
    'Die Datei ist kein NIfTI-Bild (ihre ersten Bytes sind kein NIfTI-Header); laden Sie ein NIfTI-Bild als einzelne Datei (.nii oder .nii.gz).',
  'nifti.truncatedHeader': 'Die Datei ist abgeschnitten: Sie endet im {size} Byte großen NIfTI-{version}-Header; exportieren oder laden Sie sie erneut.',
  'nifti.badGzip': 'Die gzip-Daten der Datei sind beschädigt oder abgeschnitten ({why}); exportieren oder laden Sie sie erneut.',
  'nifti.fourD': '4D-Datei mit {volumes} Volumen: das erste wird verwendet.',
  'nifti.sformQform': 'sform und qform der Datei weichen voneinander ab: die sform wird verwendet.',
  'nifti.voxOffset': 'Der Datenbeginn laut Header ({offset}) liegt im Header: die Daten werden ab Byte {minimum} gelesen.',
  'nifti.sclInter': 'Der Skalierungsachsenabschnitt ist keine endliche Zahl ({value}): es wird 0 verwendet.',
  'nifti.someNan': '{nan} von {total} Voxeln sind NaN (keine Zahl).',
  'nifti.allNan': 'Jeder Voxel des Bildes ist NaN (keine Zahl), es enthält also keine Daten; prüfen Sie die exportierte Datei.',

  'worker.cancelled': 'Analyse abgebrochen.',
  'worker.memory':
    'Dem Browser ging bei der Analyse der Speicher aus; schließen Sie andere Tabs oder nehmen Sie einen kleineren Scan und versuchen Sie es erneut.',
  'worker.internal': 'Die Analyse ist unerwartet fehlgeschlagen ({reason}); siehe Diagnose, dann erneut versuchen.',
  'worker.stopped': 'Der Analyse-Worker wurde beendet ({reason}); bitte erneut versuchen.',
  'worker.ended': 'Der Analyse-Worker endete unerwartet (Speicher knapp?); bitte erneut versuchen.',
  'worker.closed': 'Der Betrachter wurde geschlossen.',
  'worker.modelFallback': '{model} konnte nicht geladen werden ({reason}), daher lief das untrainierte Zufallsmodell: seine Ausgabe bedeutet nichts.',
  'worker.softwareWebgl': 'WebGL rendert hier in Software ({renderer}), langsamer als die WebAssembly-SIMD-Kernel, die deshalb das Modell rechnen.',
  'worker.engineUnavailable': 'Die Engine {engine} ist nicht verfügbar ({reason}); es wird auf die nächste ausgewichen.',
  'worker.unknownModel': 'Unbekanntes Modell „{model}“; wählen Sie eines aus der Liste.',
  'worker.ensembleDifference': 'Ein Fold-Ensemble kann nicht A einer Differenz sein; wählen Sie einen einzelnen Fold als A oder „Ein Modell, eine Methode“.',
  'worker.deployedMissing': 'Das Modell „{model}“ konnte nicht geladen werden ({reason}); prüfen Sie, ob sein Ordner in models/ vollständig ist.',

  'state.tooLarge': '„{name}“ ist {mb} MB groß, zu groß für eine Karte der grauen Substanz; nehmen Sie das CAT12-mwp1-Bild.',
  'state.unknownDemo': 'Der Beispielfall „{id}“ ist nicht in der Liste; wählen Sie einen anderen.',
  'state.readFailed': '„{name}“ konnte nicht gelesen werden; bitte erneut versuchen.',
  'state.downloadFailed': '{url} konnte nicht geladen werden; prüfen Sie die Adresse und ob der Server es erlaubt (CORS).',
  'state.downloadHttp': '{url} konnte nicht geladen werden (HTTP {status}); prüfen Sie die Adresse.',
  'state.modelTooLarge':
    '„{name}“ ist {mb} MB groß, weit größer als jedes Modell, das dieser Viewer ausführen kann; ziehen Sie die Keras-.h5-Datei des Modells selbst hierher.',
  'state.workerStopped':
    'Die Analyse brach ab, weil ihr Worker unerwartet endete (vielleicht wurde der Speicher des Browsers knapp); die App hat ihn neu gestartet, versuchen Sie es erneut.',
  'state.urlOtherOrigin':
    'Per Adresse lassen sich nur Scans dieser Website ({origin}) öffnen: Diese Seite darf {other} nicht kontaktieren, damit kein Scan anderswohin gesendet werden kann; laden Sie die Datei herunter und ziehen Sie sie hierher.',
  'state.notSavedFull':
    'Das Modell „{name}“ funktioniert in diesem Tab, konnte aber nicht für später gespeichert werden: Der Speicher des Browsers ist voll; geben Sie Platz frei oder ziehen Sie die Datei nach dem Neuladen erneut hierher.',
  'state.notSavedUnavailable':
    'Das Modell „{name}“ funktioniert in diesem Tab, konnte aber nicht für später gespeichert werden: Dieser Browser bietet hier keinen Speicher (privates Fenster?); ziehen Sie die Datei nach dem Neuladen erneut hierher.',
};
