// kommunebrev's command line: parses arguments and dispatches. No logic here.
// commander parses; its English messages are replaced by Danish ones.
// Each command's module is imported only when that command runs, so `--help`
// and `check` do not load pdfmake, fontkit or nodemailer (start-up time).
import { createInterface } from 'node:readline/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Help } from 'commander';
import { EXIT_USAGE, UsageError, type Io } from './commands/io.js';
import { PROJECT_ROOT } from './adapters/project-root.js';

const EXIT_UNEXPECTED = 3;

const io: Io = {
  out: (t) => process.stdout.write(`${t}\n`),
  write: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(`${t}\n`),
  errWrite: (t) => process.stderr.write(t),
  get errColumns() {
    return process.stderr.columns;
  },
  errIsTTY: Boolean(process.stderr.isTTY),
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  async ask(question) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    // Ctrl-C or end of input at the prompt answers "" (= no) instead of
    // leaving the question pending and the process exiting with code 0.
    const answered = new AbortController();
    rl.once('SIGINT', () => answered.abort());
    rl.once('close', () => answered.abort());
    try {
      return await rl.question(question, { signal: answered.signal });
    } catch (err) {
      if (answered.signal.aborted) {
        process.stdout.write('\n');
        return '';
      }
      throw err;
    } finally {
      rl.close();
    }
  },
};

const TITLES: Record<string, string> = {
  'Usage:': 'Brug:',
  'Options:': 'Tilvalg:',
  'Commands:': 'Kommandoer:',
  'Arguments:': 'Argumenter:',
  'Global Options:': 'Fælles tilvalg:',
};

const danishUsage = (s: string): string => s.replace('[options]', '[tilvalg]').replace('[command]', '[kommando]');

class DanishHelp extends Help {
  override styleTitle(str: string): string {
    return TITLES[str] ?? str;
  }
  override commandUsage(cmd: Command): string {
    return danishUsage(super.commandUsage(cmd));
  }
  override subcommandTerm(cmd: Command): string {
    return danishUsage(super.subcommandTerm(cmd));
  }
}

function danishCommanderMessage(err: CommanderError): string {
  const m = err.message.replace(/^error: /, '');
  const quoted = /'([^']+)'/.exec(m)?.[1] ?? '';
  switch (err.code) {
    case 'commander.unknownOption':
      return `Ukendt tilvalg: ${quoted}.`;
    case 'commander.unknownCommand':
      return `Ukendt kommando: ${quoted}.`;
    case 'commander.missingMandatoryOptionValue':
      return `Tilvalget ${quoted} skal angives.`;
    case 'commander.optionMissingArgument':
      return `Tilvalget ${quoted} skal have en værdi.`;
    case 'commander.missingArgument':
      return `Argumentet ${quoted} mangler.`;
    case 'commander.excessArguments':
      return 'For mange argumenter.';
    case 'commander.invalidArgument':
      return m;
    default:
      return m;
  }
}

/** Danish help, no English error output (we print our own), errors thrown to main(). */
function configure(cmd: Command): Command {
  cmd.createHelp = () => Object.assign(new DanishHelp(), cmd.configureHelp());
  return cmd
    .exitOverride()
    .showSuggestionAfterError(false)
    .helpOption('-h, --help', 'vis denne hjælp')
    .configureOutput({ outputError: () => undefined });
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'ukendt';
  }
}

export function buildProgram(): Command {
  const program = new Command('kommunebrev');
  configure(program)
    .description('Skriver og sender Ankestyrelsens breve til kommunerne efter et Handicapsagsbarometer.')
    .version(version(), '-V, --version', 'vis versionsnummer')
    .helpCommand('help [kommando]', 'vis hjælp til en kommando')
    .addHelpText(
      'after',
      '\nAfslutningskoder: 0 = gennemført, 1 = ugyldige data eller breve, der ikke blev sendt, 2 = forkert brug, 3 = uventet fejl.',
    );

  const sub = (name: string, description: string): Command => configure(program.command(name).description(description));

  sub('check', 'kontrollér en barometermappe og vis de landsdækkende tal')
    .requiredOption(
      '--data <mappe>',
      'barometermappen (barometer.json, regelsaet.json, kommuner og sager som .csv, .xlsx eller .ods)',
    )
    .option('--json', 'skriv kun tallene som JSON på standard output', false)
    .action(async (o: { data: string; json: boolean }) => {
      const { runCheck } = await import('./commands/check.js');
      process.exitCode = await runCheck(o, io);
    });

  sub('render', 'kontrollér data og skriv et PDF-brev og en e-mail pr. kommune (sender intet)')
    .requiredOption('--data <mappe>', 'barometermappen')
    .requiredOption('--out <mappe>', 'outputmappen; brevene skrives i <mappe>/<barometer-id>/')
    .option('--kommune <kode|navn>', 'skriv kun brevet til denne kommune (fx 173 eller Lyngby-Taarbæk)')
    .action(async (o: { data: string; out: string; kommune?: string }) => {
      const { runRender } = await import('./commands/render.js');
      process.exitCode = await runRender(o, io);
    });

  sub('send', 'send de skrevne breve som e-mail, hvert brev én gang (SMTP_URL, SMTP_USER og SMTP_PASS fra miljøet)')
    .requiredOption('--data <mappe>', 'barometermappen, som brevene blev skrevet fra')
    .requiredOption('--out <mappe>', 'outputmappen fra render')
    .option('--kommune <kode|navn>', 'send kun til denne kommune')
    .option('--resend', 'send brevet til --kommune igen med vilje, også hvis det er sendt eller uafklaret')
    .option('--mark-sent', 'registrér et uafklaret brev til --kommune som modtaget (sender intet)')
    .option(
      '--rate <hastighed>',
      'højst så mange e-mails, fx 5/s eller 60/min (ellers sendeHastighed i barometer.json)',
    )
    .option(
      '--test <adresse>',
      'send brevene (eller --kommune) som test kun til denne adresse, med [TEST] i emnet; kommunerne får intet',
    )
    .option('--yes', 'spørg ikke om bekræftelse (til scripts)')
    .action(
      async (o: {
        data: string;
        out: string;
        kommune?: string;
        resend?: boolean;
        markSent?: boolean;
        rate?: string;
        test?: string;
        yes?: boolean;
      }) => {
        const { runSend } = await import('./commands/send.js');
        process.exitCode = await runSend(o, io);
      },
    );

  sub('status', 'vis for hver kommune, om brevet er sendt, fejlet eller uafklaret')
    .requiredOption('--out <mappe>', 'outputmappen fra render (eller barometermappen i den)')
    .option('--json', 'skriv status som JSON på standard output')
    .option('--csv', 'skriv en linje pr. afsendelse som CSV til journalisering (UTF-8 med BOM, semikolon, CRLF)')
    .action(async (o: { out: string; json?: boolean; csv?: boolean }) => {
      const { runStatus } = await import('./commands/status.js');
      process.exitCode = await runStatus(o, io);
    });

  sub('preview', 'vis forhåndsvisningen af brevene i en browser via en lokal webserver (kun denne maskine)')
    .requiredOption('--out <mappe>', 'outputmappen fra render (eller barometermappen i den)')
    .option('--port <port>', 'porten på 127.0.0.1 (standard: en ledig port)')
    .action(async (o: { out: string; port?: string }) => {
      const { runPreview } = await import('./commands/preview.js');
      process.exitCode = await runPreview(o, io);
    });

  return program;
}

function describeSystemError(err: NodeJS.ErrnoException): string | undefined {
  const path = err.path ? ` (${err.path})` : '';
  switch (err.code) {
    case 'ENOENT':
      return `Filen eller mappen findes ikke${path}.`;
    case 'EACCES':
    case 'EPERM':
      return `Ingen adgang${path}.`;
    case 'ENOSPC':
      return `Der er ikke mere plads på disken${path}.`;
    case 'ENOTDIR':
      return `Der står en fil, hvor der skulle være en mappe${path}.`;
    case 'EROFS':
      return `Filsystemet er skrivebeskyttet${path}.`;
    default:
      return undefined;
  }
}

/** The one top-level error handler: a user's mistake never shows a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return 0;
      io.err(`kommunebrev: ${danishCommanderMessage(err)}`);
      io.err('Se »kommunebrev --help« eller »kommunebrev <kommando> --help«.');
      return EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      io.err(`kommunebrev: ${err.message}`);
      return EXIT_USAGE;
    }
    const sys = describeSystemError(err as NodeJS.ErrnoException);
    if (sys) {
      io.err(`kommunebrev: ${sys}`);
      return EXIT_UNEXPECTED;
    }
    io.err(`kommunebrev: Uventet fejl: ${(err as Error).message ?? String(err)}`);
    if (process.env.KOMMUNEBREV_DEBUG) io.err((err as Error).stack ?? '');
    else io.err('Sæt KOMMUNEBREV_DEBUG=1 for at se detaljer.');
    return EXIT_UNEXPECTED;
  }
}
